"""Tests of learnkafka.core: pages, settings, the shared content files."""
