"""A chaos run: fire the payment failures at a design and count what got through.

For the interview app: a candidate's design names which layers and
safeguards are on; `chaos_run` builds the full architecture (client ->
gateway -> ``payment-requests`` -> consumers -> payment service -> database,
events to ``payment-events``), makes a few payments, fires the faults, lets
everything settle and counts, from the ground truth (the charges ledger and
the ``payment-events`` log):

    from simulator.extensions.payments.chaos import Design, chaos_run
    report = chaos_run(Design(variant="key_unique", gateway_cache=True,
                              producer_idempotence=True, outbox=True), seed=7)
    report.duplicate_charges   # extra committed deductions (beyond one per payment)
    report.lost_charges        # payments the client was told succeeded, never charged
    report.duplicate_events    # extra payment-completed events in payment-events
    report.lost_events         # charged payments whose event never reached payment-events
    report.faults_fired        # what was done, in order
    report.to_dict()           # all of it as JSON (charges, events, per payment)
    report.sim                 # the Simulation: report.sim.history replays the run

The faults (``faults=`` picks a subset of `FAULTS`):

* ``client_timeout``: the first payment's response is lost after the work was
  done; the client times out and retries (layer 1 or layer 3 must catch it);
* ``producer_retry``: a produce response to the gateway's producer is lost;
  it retries (layer 2: without idempotence the topic holds the record twice);
* ``rebalance``: the consumer owning the partition dies after processing but
  before its offsets are committed; the group gives the partition to the
  other consumer, which reads the records again (layer 3 must catch it);
* ``crash_after_commit``: the service dies right after a DB commit, before it
  publishes (without the outbox the event is lost) and is restarted.

The run is deterministic: the same design, seed and faults give the same
report (the seed picks the UUID keys and which payment meets which fault).
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field

from simulator.errors import SimulationError
from simulator.extensions.payments.config import SAFEGUARDS, SCOPES, VARIANTS
from simulator.extensions.payments.state import EVENTS_TOPIC
from simulator.simulation import Simulation

FAULTS = ("client_timeout", "producer_retry", "rebalance", "crash_after_commit")
SETTLE_MS = 8_000      # the consumer group forms before the first payment
SPACING_MS = 300       # between payments
TAIL_MS = 120_000      # after the last fault: session timeouts, retries, relay
MAX_PAYMENTS = 20


@dataclass(frozen=True)
class Design:
    """Which idempotency layers and safeguards are on (defaults: all of them)."""

    variant: str = "key_unique"             # layer 3: no_key | key_no_unique | key_unique
    safeguard: str = "none"
    gateway_cache: bool = True              # layer 1
    producer_idempotence: bool = True       # layer 2
    outbox: bool = True
    transaction_scope: str = "claim_committed_first"

    @classmethod
    def from_dict(cls, data: dict) -> Design:
        if not isinstance(data, dict):
            raise SimulationError("bad_design", "a design is a mapping")
        unknown = sorted(set(data) - set(cls.__dataclass_fields__))
        if unknown:
            raise SimulationError("bad_design", f"unknown design field(s) {', '.join(unknown)}")
        design = cls(**data)
        design.check()
        return design

    def check(self) -> None:
        for name, value, options in (("variant", self.variant, VARIANTS),
                                     ("safeguard", self.safeguard, SAFEGUARDS),
                                     ("transaction_scope", self.transaction_scope, SCOPES)):
            if value not in options:
                raise SimulationError("bad_design", f"{name} is one of {', '.join(options)}")
        for name in ("gateway_cache", "producer_idempotence", "outbox"):
            if not isinstance(getattr(self, name), bool):
                raise SimulationError("bad_design", f"{name} is true or false")
        if self.variant == "no_key" and self.safeguard != "none":
            raise SimulationError("bad_design", "a safeguard needs an idempotency key")


@dataclass
class ChaosReport:
    design: Design
    seed: int
    payments: int
    faults_fired: list = field(default_factory=list)
    charges: dict = field(default_factory=dict)          # request_id -> committed deductions
    events: dict = field(default_factory=dict)           # request_id -> records in payment-events
    client_status: dict = field(default_factory=dict)    # request_id -> the client's last status
    duplicate_charges: int = 0
    lost_charges: int = 0
    duplicate_events: int = 0
    lost_events: int = 0
    sim: object = None

    @property
    def safe(self) -> bool:
        return not (self.duplicate_charges or self.lost_charges or self.duplicate_events
                    or self.lost_events)

    def to_dict(self) -> dict:
        return {"design": asdict(self.design), "seed": self.seed, "payments": self.payments,
                "faults_fired": list(self.faults_fired), "charges": dict(self.charges),
                "events": dict(self.events), "client_status": dict(self.client_status),
                "duplicate_charges": self.duplicate_charges, "lost_charges": self.lost_charges,
                "duplicate_events": self.duplicate_events, "lost_events": self.lost_events,
                "safe": self.safe}


def _owner(sim) -> str | None:
    for consumer in sim.snapshot().get("consumers", []):
        if consumer["status"] != "crashed" and ["payment-requests", 0] in [
                list(a) for a in consumer["assignment"]]:
            return consumer["id"]
    return None


def _events_in_topic(sim) -> dict:
    counts: dict[str, int] = {}
    world = sim.world
    topic = world.topics[EVENTS_TOPIC]
    pm = topic.partitions[0]
    broker = world.brokers.get(pm.leader) if pm.leader is not None else None
    replica = broker.replicas.get((EVENTS_TOPIC, 0)) if broker is not None else None
    if replica is None:
        return counts
    for record in replica.log.records:
        if record.control or record.offset >= replica.hw:
            continue
        try:
            request_id = json.loads(record.value)["request_id"]
        except (TypeError, ValueError, KeyError):
            continue
        counts[request_id] = counts.get(request_id, 0) + 1
    return counts


def _rebalance(sim, report: ChaosReport) -> bool:
    owner = _owner(sim)
    if owner is None:
        return False
    sim.apply({"type": "crash_consumer", "consumer": owner})
    report.faults_fired.append(f"at {sim.now_ms} ms {owner} (owning payment-requests-0) dies "
                               "before committing its offsets; the group rebalances")
    return True


def _restart_if_down(sim, report: ChaosReport) -> None:
    if sim.world.ext["payments"].crashed:
        sim.advance(1_000)
        sim.apply({"type": "restart_payment_service"})
        report.faults_fired.append(f"at {sim.now_ms} ms the payment service restarts")


def chaos_run(design: Design | dict, *, seed: int = 0, payments: int = 4,
              faults=FAULTS) -> ChaosReport:
    """Run the design through the faults; see the module docstring."""
    if isinstance(design, dict):
        design = Design.from_dict(design)
    elif isinstance(design, Design):
        design.check()
    else:
        raise SimulationError("bad_design", "a design is a Design or a mapping")
    if isinstance(payments, bool) or not isinstance(payments, int) or not (
            1 <= payments <= MAX_PAYMENTS):
        raise SimulationError("bad_design", f"payments is from 1 to {MAX_PAYMENTS}")
    faults = tuple(faults)
    unknown = [f for f in faults if f not in FAULTS]
    if unknown:
        raise SimulationError("bad_design", f"unknown fault(s) {', '.join(unknown)}; known: "
                                            f"{', '.join(FAULTS)}")
    picks = random.Random(seed)
    scenario = {"name": "payments-chaos", "cluster": {"brokers": 3, "controllers": 1},
                "extensions": ["payments"],
                "payments": {"route": "kafka", "publish_events": True, "consumers": 2,
                             "variant": design.variant, "safeguard": design.safeguard,
                             "transaction_scope": design.transaction_scope,
                             "gateway_cache": design.gateway_cache,
                             "producer_idempotence": design.producer_idempotence,
                             "outbox": design.outbox, "accounts": {"alice": 1_000_000}}}
    sim = Simulation(scenario, seed=seed)
    report = ChaosReport(design=design, seed=seed, payments=payments, sim=sim)
    sim.advance(SETTLE_MS)
    producer = "gw-idempotent" if design.producer_idempotence else "gw-plain"
    timeout_at = picks.randrange(payments)
    retry_at = picks.randrange(payments)
    # The crash comes last: it kills the consumers too, and the group needs a
    # session timeout to form again, so a rebalance fault after it would find
    # no owner (then it fires in the tail, once an owner exists again).
    crash_at = payments - 1
    rebalance_at = picks.randrange(max(1, payments - 1))
    rebalance_due = "rebalance" in faults
    for i in range(payments):
        if "client_timeout" in faults and i == timeout_at:
            sim.apply({"type": "drop_messages", "target": "client:shop",
                       "message_kind": "pay_response"})
            report.faults_fired.append(f"pay-{i + 1}: its response to the client is lost")
        if "producer_retry" in faults and i == retry_at:
            sim.apply({"type": "drop_messages", "target": f"producer:{producer}",
                       "message_kind": "produce_response"})
            report.faults_fired.append(f"pay-{i + 1}: a produce response to {producer} is lost")
        if "crash_after_commit" in faults and i == crash_at:
            sim.apply({"type": "crash_payment_service", "when": "after_commit"})
            report.faults_fired.append(f"pay-{i + 1}: the service dies after its next commit")
        sim.apply({"type": "pay", "request_id": f"pay-{i + 1}", "amount": 100 + i})
        sim.advance(SPACING_MS)
        _restart_if_down(sim, report)
        if rebalance_due and i >= rebalance_at:
            rebalance_due = not _rebalance(sim, report)
    for _ in range(TAIL_MS // 1_000):
        sim.advance(1_000)
        _restart_if_down(sim, report)
        if rebalance_due:
            rebalance_due = not _rebalance(sim, report)
    snap = sim.snapshot()["payments"]
    report.charges = {p["request_id"]: snap["charges"].get(p["request_id"], 0)
                      for p in snap["payments"]}
    report.events = _events_in_topic(sim)
    for client in snap["clients"]:
        for r in client["requests"]:
            report.client_status[r["request_id"]] = r["last_status"]
    report.duplicate_charges = sum(max(0, n - 1) for n in report.charges.values())
    report.lost_charges = sum(1 for rid, n in report.charges.items()
                              if n == 0 and report.client_status.get(rid) in (200, 202))
    report.duplicate_events = sum(max(0, n - 1) for n in report.events.values())
    report.lost_events = sum(1 for rid, n in report.charges.items()
                             if n and not report.events.get(rid))
    return report
