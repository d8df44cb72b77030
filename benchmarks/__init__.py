"""LearnKafka benchmarks: ``python -m benchmarks`` runs every ``bench_*.py`` here."""
