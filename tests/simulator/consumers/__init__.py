"""Tests of the simulated consumers and groups."""
