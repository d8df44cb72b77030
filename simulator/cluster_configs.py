"""The cluster-wide (broker) configs a scenario may set, with Kafka's defaults.

Its own module because two rooms read it: scenario validation
(`simulator.scenarios`, which names the allowed keys) and world building
(`simulator.cluster`, which starts from these values). Keeping it apart lets
cluster.py import scenarios without scenarios importing cluster back.
"""

CLUSTER_DEFAULTS: dict = {
    "replica.lag.time.max.ms": 30_000,
    "replica.fetch.wait.max.ms": 500,
    "replica.fetch.backoff.ms": 1_000,
    "replica.socket.timeout.ms": 30_000,
    "broker.heartbeat.interval.ms": 2_000,
    "broker.session.timeout.ms": 9_000,
    "log.retention.check.interval.ms": 300_000,
    "controller.quorum.election.timeout.ms": 1_000,
    "offsets.topic.num.partitions": 50,
    "offsets.topic.replication.factor": 3,
    "offsets.retention.minutes": 10_080,  # simulator/consumers: offsets of empty groups expire
    "auto.leader.rebalance.enable": True,
    "leader.imbalance.check.interval.seconds": 300,
    "leader.imbalance.per.broker.percentage": 10,
}
