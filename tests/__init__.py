"""LearnKafka's test suite. Every folder is a package, so test modules in two
folders may share a name (tests/simulator/test_cli.py, tests/simulator/consumers/test_cli.py)."""
