"""The lessons app."""
