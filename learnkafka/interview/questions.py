"""The mock interview's three questions, in the phases of the study guide's answer structure.

The guide ends with an "interview answer structure": Q1 Kafka basics (say
what Kafka is, draw the architecture, the six steps, mention acks, ISR,
replication, retention, offsets), Q2 a consumer that is not consuming (say
you will be systematic, walk the checks, show the CLI) and Q3 payment
idempotency (the key, check-before-process in one transaction with a
UNIQUE constraint, the safeguards). Each phase here is one of those
arrows, taught as Kafka 4.x behaves (see /work/shared/kafka-facts.md): no
ZooKeeper, acks=all by default since 3.0, the ISR by time only.

A phase's `kind` picks its template (templates/interview/phases/) and its
grader (services.py). Rubric terms are what the candidate's pointed-at
words must contain (grading/rubric.py); they are generous on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .grading.rubric import RubricPoint

KINDS = ("free_text", "builder", "ordering", "practical", "cli", "design", "chaos")


@dataclass(frozen=True)
class Phase:
    slug: str
    kind: str
    title: str
    prompt: str
    rubric: tuple[RubricPoint, ...] = ()
    model_answer: str = ""
    steps: dict[str, str] = field(default_factory=dict)  # ordering: id -> text, right order

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown phase kind {self.kind!r}")


@dataclass(frozen=True)
class Question:
    slug: str
    number: int
    title: str
    prompt: str
    phases: tuple[Phase, ...]

    def phase(self, slug: str) -> Phase | None:
        return next((p for p in self.phases if p.slug == slug), None)


def _p(pid, text, terms, dimension, lesson, step="", **kw) -> RubricPoint:
    return RubricPoint(id=pid, text=text, terms=tuple(terms), dimension=dimension,
                       lesson=lesson, step=step, **kw)


KB, DC, PI = "kafka-basics", "debug-consumer", "payment-idempotency"

MESSAGE_FLOW = {
    "serialize": "The producer serializes key and value and picks the partition "
                 "(murmur2 of the key; no key: the sticky partitioner)",
    "send": "It sends the batch to that partition's leader broker, found in its metadata",
    "append": "The leader appends it to the partition's log and gives it the next offset",
    "replicate": "Followers fetch it from the leader and write it to their own logs",
    "ack": "The leader acknowledges as acks asks (all: the in-sync replicas have it)",
    "consume": "A consumer fetches from its position and commits the offset it reached",
}

Q1 = Question(
    slug="kafka-basics", number=1, title="Kafka basics",
    prompt="“Tell me about Kafka. How does it work?”",
    phases=(
        Phase(
            "definition", "free_text", "Say what Kafka is",
            "Open with the one-line answer: what is Kafka, and what is it made of?",
            rubric=(
                _p("opens", "Opens with the one-line idea: Kafka is a (distributed) log",
                   ["kafka is", "log", "platform", "streaming"], "structure", KB,
                   "architecture", opening=True),
                _p("commit-log", "Calls it a durable, append-only commit log",
                   ["commit log", "log", "append"], "fundamentals", KB, "partition-log"),
                _p("distributed", "Says it is distributed and replicated across brokers",
                   ["distributed", "replicat", "cluster", "fault tolerant", "brokers"],
                   "fundamentals", KB, "architecture"),
                _p("parts", "Names the parts: producers, consumers, brokers, topics, "
                   "partitions, consumer groups (three or more)",
                   ["producer", "consumer", "broker", "topic", "partition", "group"],
                   "fundamentals", KB, "architecture", min_terms=3),
            ),
            model_answer=(
                "Kafka is a distributed, fault-tolerant commit log: producers append "
                "events to topics, topics are split into partitions spread and replicated "
                "across brokers, and consumers in consumer groups read them at their own "
                "pace by offset. Since Kafka 4.0 a KRaft controller quorum keeps the "
                "metadata; there is no ZooKeeper any more."
            ),
        ),
        Phase(
            "architecture", "builder", "Draw the architecture",
            "Draw the cluster: producers, three brokers, a topic's partitions with their "
            "leaders and replicas, the controller quorum and consumer groups. Connect "
            "what talks to what.",
        ),
        Phase(
            "message-flow", "ordering", "Explain the message flow (six steps)",
            "Put a record's six steps in order, from the producer to the consumer.",
            steps=MESSAGE_FLOW,
        ),
        Phase(
            "concepts", "free_text", "Mention acks, ISR, replication, retention, offsets",
            "One or two sentences each: acks, the ISR, replication, retention and offsets.",
            rubric=(
                _p("acks", "acks: 0, 1 or all, durability against latency",
                   ["acks"], "fundamentals", KB, "acks",
                   note="acks=all is the default since Kafka 3.0 (it was 1)."),
                _p("isr", "The ISR: replicas caught up with the leader; acks=all waits "
                   "for them", ["isr", "in sync"], "fundamentals", KB, "isr",
                   note="Only time counts: replica.lag.time.max.ms (30 s). "
                        "replica.lag.max.messages was removed in 0.9."),
                _p("replication", "Replication: each partition has copies on other brokers "
                   "(replication factor), followers copy the leader",
                   ["replica", "replication factor", "follower", "copies"],
                   "fundamentals", KB, "isr"),
                _p("retention", "Retention: records are kept for retention.ms (7 days), "
                   "not deleted when read", ["retention", "retain", "kept for", "7 days"],
                   "fundamentals", KB, "config"),
                _p("offsets", "Offsets: each record's position; consumers commit theirs "
                   "to __consumer_offsets", ["offset"], "fundamentals", KB, "partition-log"),
                _p("trade-off", "Names a trade-off (durability vs latency, storage vs "
                   "replay)", ["trade", " vs", "versus", "latency", "cost"], "structure", KB,
                   "config"),
            ),
            model_answer=(
                "acks says how many replicas must have a write before the producer hears "
                "yes: 0 (fire and forget), 1 (the leader) or all (the current ISR, and at "
                "least min.insync.replicas of them); all is the default since 3.0, a "
                "trade of latency for durability. The ISR is the set of replicas caught up "
                "with the leader within replica.lag.time.max.ms. Replication keeps "
                "replication.factor copies of each partition on different brokers; "
                "followers fetch from the leader. Retention keeps records for retention.ms "
                "(7 days by default) whether or not anyone read them, deleting whole old "
                "segments. Offsets number the records of a partition; each consumer group "
                "commits its position to __consumer_offsets."
            ),
        ),
    ),
)

Q2 = Question(
    slug="consumer-not-consuming", number=2, title="Debug a consumer that is not consuming",
    prompt="“Our payment consumer stopped consuming. What do you do?”",
    phases=(
        Phase(
            "approach", "free_text", "Say how you would approach it",
            "Walk me through your approach before touching anything.",
            rubric=(
                _p("systematic", "Says it will go systematically, most common cause first",
                   ["systematic", "step by step", "methodical", "first", "order"],
                   "structure", DC, "verify-producer", opening=True),
                _p("producer", "Verifies the producer first: is data arriving?",
                   ["producer", "produc", "offsets", "arriving", "console consumer"],
                   "debugging", DC, "verify-producer"),
                _p("group-lag", "Checks the consumer group and its lag",
                   ["lag", "consumer group", "describe"], "debugging", DC, "lag"),
                _p("offset-reset", "Checks auto.offset.reset (latest misses older records)",
                   ["auto.offset.reset", "offset reset", "earliest", "latest"], "debugging",
                   DC, "auto-offset-reset"),
                _p("rebalance", "Checks for rebalancing (max.poll.interval.ms)",
                   ["rebalanc", "max.poll", "poll interval"], "debugging", DC,
                   "rebalancing"),
                _p("deserialization", "Checks deserialization errors in the logs",
                   ["deserializ", "serializ", "schema"], "debugging", DC,
                   "deserialization"),
            ),
            model_answer=(
                "I'd approach this systematically, most common cause first. Verify the "
                "producer really writes (kafka-get-offsets, or a console consumer "
                "--from-beginning). Then describe the consumer group: is the consumer a "
                "member, which partitions does it own, what is the LAG? LAG 0 with no "
                "messages on a new group means auto.offset.reset=latest. Growing lag with "
                "an active member: rebalancing because processing exceeds "
                "max.poll.interval.ms, or a deserialization error on every record. Then "
                "ACLs and the bootstrap address, and retention if it was offline for long."
            ),
        ),
        Phase(
            "practical", "practical", "Practical: diagnose and fix it",
            "A consumer on this simulated cluster is not consuming. Use the terminal to "
            "find out why, then fix it.",
        ),
        Phase(
            "commands", "cli", "Show you know the CLI commands",
            "Write the commands you would run, one a line, with their options "
            "(broker: broker-1:9092, topic: orders, group: payment-service).",
        ),
    ),
)

Q3 = Question(
    slug="payment-idempotency", number=3, title="Payment idempotency",
    prompt="“A client times out and retries a payment. How do you make sure it is "
           "charged once?”",
    phases=(
        Phase(
            "idea", "free_text", "State the idea",
            "State the core idea in a sentence or two.",
            rubric=(
                _p("opens", "Opens with the idea: every request carries a unique "
                   "idempotency key", ["idempotency key", "unique key", "key"], "structure",
                   PI, "solution", opening=True),
                _p("client-key", "The client makes the key and sends it again on retry",
                   ["client", "retry", "same key", "header"], "idempotency", PI, "solution"),
                _p("check", "Check before processing; a repeat gets the saved response",
                   ["check", "cached", "saved", "stored", "same response", "already"],
                   "idempotency", PI, "store"),
                _p("transaction", "The claim, the charge and the result in one transaction",
                   ["transaction", "atomic"], "idempotency", PI, "store"),
                _p("unique", "A UNIQUE constraint on the key as the final safety net",
                   ["unique", "primary key", "constraint"], "idempotency", PI, "race"),
            ),
            model_answer=(
                "Every payment request carries a unique idempotency key that the client "
                "makes and sends again on every retry. Before processing, the service "
                "checks the key in an idempotency store: a finished key returns the saved "
                "response, a key in progress gets 409. Otherwise it claims the key, "
                "charges and saves the result in the same database transaction, and a "
                "UNIQUE constraint on the key is the final safety net against two "
                "retries racing."
            ),
        ),
        Phase(
            "design", "design", "Arrange the handler and pick the safeguards",
            "Order the handler's steps, say what holds them together, and pick the "
            "safeguards you would add. Some are traps.",
        ),
        Phase(
            "chaos", "chaos", "Chaos run: does your design charge once?",
            "The simulator fires timeouts, client retries, consumer rebalances and a crash "
            "between the database write and the publish at your design, and counts "
            "duplicate and lost charges.",
        ),
    ),
)

QUESTIONS: dict[str, Question] = {q.slug: q for q in (Q1, Q2, Q3)}
GUIDE_ORDER: tuple[str, ...] = (Q1.slug, Q2.slug, Q3.slug)


def get_question(slug: str) -> Question | None:
    return QUESTIONS.get(slug)
