"""The real-database race (issue 12): the guide's idempotent payment handler run for real.

N threads send one payment with one idempotency key at the same moment,
against a real database, over many trials; the page charts how many charges
each trial made. `variants.py` says what each safeguard does, `stores.py`
where the race runs (its own PostgreSQL schema or a throwaway SQLite file,
never the app's tables), `handler.py` the handler itself, `runner.py` the
threads and trials, `services.py` the limits and the stored result.
"""
