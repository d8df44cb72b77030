"""Tests of the benchmarks (benchmarks/, reached with `python -m benchmarks`)."""
