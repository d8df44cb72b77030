"""The payments extension's registration object (simulator/extension.py)."""

from simulator.extension import Extension

EXTENSION = Extension("payments", "Payment idempotency: client, network, gateway, Kafka, "
                                  "payment service, database, outbox")
