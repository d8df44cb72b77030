"""Every browser test (`-m browser`): Playwright drives Chromium against a real Daphne.

The fixtures are in tests/conftest.py."""
