"""The sandbox app."""
