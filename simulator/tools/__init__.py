"""Tools that look at a simulation from outside, as a learner's terminal would.

They read the world and never change it themselves: ``cli`` runs Kafka's command
line tools (``kafka-consumer-groups``, ``kafka-topics``...) and returns the text
and, for a tool that changes the cluster, the simulator command for the caller
to apply through the simulation's one door; ``cli_output`` formats exactly as
Kafka 4.x prints; ``debugging`` stages each row of the study guide's
"consumer not consuming" symptom table.
"""
