"""Tests of the lessons app: content, facts, scenarios, services, views."""
