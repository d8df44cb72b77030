"""The Kafka wire-protocol gateway: real Kafka clients on a learner's simulated cluster."""
