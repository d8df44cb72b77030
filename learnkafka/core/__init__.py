"""The core app."""
