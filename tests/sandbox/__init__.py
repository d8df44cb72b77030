"""Tests of the sandbox app: stored sandboxes, the live runtime, its socket."""
