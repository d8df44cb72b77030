"""A test driver for outside clients: requests in, responses waited for by correlation id."""

from __future__ import annotations

import base64

from simulator import Simulation
from tests.simulator.simhelpers import scenario


def b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def unb64(text: str | None) -> bytes | None:
    return None if text is None else base64.b64decode(text)


class Wire:
    """One outside client `name` on `sim`; keeps every event it has seen."""

    def __init__(self, sim: Simulation, name: str = "gw-1", client_id: str = "kafka-python-3",
                 software: str = "kafka-python", connect: bool = True):
        self.sim = sim
        self.name = name
        self.correlation_id = 0
        # Every driver of one simulation sees all its events (they share the clock).
        self.events: list = sim.__dict__.setdefault("_wire_test_events", [])
        if connect:
            self.events += sim.apply({"type": "wire_connect", "client": name,
                                      "client_id": client_id, "software": software})

    def send(self, broker: int, api: str, request: dict) -> int:
        self.correlation_id += 1
        self.events += self.sim.apply({"type": "wire_request", "client": self.name,
                                       "broker": broker, "api": api,
                                       "correlation_id": self.correlation_id,
                                       "request": request})
        return self.correlation_id

    def apply(self, command: dict) -> list:
        got = self.sim.apply(command)
        self.events += got
        return got

    def advance(self, ms: int) -> list:
        got = self.sim.advance(ms)
        self.events += got
        return got

    def responses(self, **match) -> list:
        return [e for e in self.events if e.kind == "wire_response" and e.client == self.name
                and all(getattr(e, k) == v for k, v in match.items())]

    def disconnects(self, **match) -> list:
        return [e for e in self.events if e.kind == "wire_disconnect" and e.client == self.name
                and all(getattr(e, k) == v for k, v in match.items())]

    def wait(self, correlation_id: int, max_ms: int = 5_000, step_ms: int = 5):
        """The wire_response (or wire_disconnect naming it) for `correlation_id`."""
        waited = 0
        while True:
            for e in self.events:
                if e.kind == "wire_response" and e.client == self.name and \
                        e.correlation_id == correlation_id:
                    return e
                if e.kind == "wire_disconnect" and e.client == self.name and \
                        correlation_id in e.correlation_ids:
                    return e
            if waited >= max_ms:
                raise AssertionError(f"no answer to request {correlation_id} in {max_ms} ms")
            self.advance(step_ms)
            waited += step_ms

    def call(self, broker: int, api: str, request: dict, max_ms: int = 5_000) -> dict:
        event = self.wait(self.send(broker, api, request), max_ms)
        assert event.kind == "wire_response", event
        return event.response

    # ---- common requests ----------------------------------------------------------
    def metadata(self, broker: int = 1, topics=None) -> dict:
        return self.call(broker, "metadata", {"topics": topics})

    def leader(self, topic: str = "t", partition: int = 0, broker: int = 1) -> int:
        meta = self.metadata(broker, [{"name": topic}])
        return meta["topics"][0]["partitions"][partition]["leader_id"]

    def produce_request(self, topic: str, partition: int, records: list, acks: int = -1,
                        producer_id: int = -1, producer_epoch: int = -1,
                        base_sequence: int = -1) -> dict:
        return {"acks": acks, "timeout_ms": 30_000, "topic_data": [{
            "name": topic, "partition_data": [{
                "index": partition, "producer_id": producer_id,
                "producer_epoch": producer_epoch, "base_sequence": base_sequence,
                "records": [{"key": b64(k), "value": b64(v), "headers": []}
                            for k, v in records]}]}]}

    def fetch_request(self, topic: str, partition: int, offset: int,
                      max_wait_ms: int = 100) -> dict:
        return {"max_wait_ms": max_wait_ms, "min_bytes": 1, "max_bytes": 52_428_800,
                "isolation_level": 0, "topics": [{"topic": topic, "partitions": [
                    {"partition": partition, "fetch_offset": offset,
                     "partition_max_bytes": 1_048_576}]}]}


def settled(partitions: int = 2, seed: int = 1, **kwargs) -> Simulation:
    sim = Simulation(scenario(partitions=partitions, **kwargs), seed=seed)
    sim.advance(500)
    return sim


def produce_part(response: dict) -> dict:
    return response["responses"][0]["partition_responses"][0]


def fetch_part(response: dict) -> dict:
    return response["responses"][0]["partitions"][0]
