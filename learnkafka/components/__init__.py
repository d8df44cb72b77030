"""Reusable UI pieces, one folder per django-component (presentational only)."""
