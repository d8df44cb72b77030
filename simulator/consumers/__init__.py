"""Consumers and consumer groups: the classic group protocol on the simulated cluster.

- ``assignors``: Range, RoundRobin, Sticky, CooperativeSticky (pure functions).
- ``cli_output``: what ``kafka-consumer-groups.sh`` and friends print (pure functions).
"""
