"""`manage.py sandbox_cleanup`."""
