"""Tests of the simulator (the engine); a package, so module names need no prefixes."""
