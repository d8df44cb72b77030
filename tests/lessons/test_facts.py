"""The lesson's words checked against /work/shared/kafka-facts.md (Kafka as it is today).

The study guide is dated in places. A lesson may quote a dated statement only
next to what Kafka does now. Each rule below names a phrase and what must stand
beside it in the same paragraph (or what it must never be paired with). The
text checked is every step's Markdown plus every label, hint and config row in
lesson.yaml, so a learner sees nothing unchecked.
"""
import re

import pytest
import yaml

from learnkafka.lessons.content import CONTENT_DIR, load_lesson

# (what the paragraph mentions, what must also be there, why) — all case-insensitive.
REQUIRE_NEARBY = [
    (r"round[- ]robin", r"older|2\.3|up to|assignor", "no key: sticky since 2.4"),
    (r"replica\.lag\.max\.messages", r"removed", "replica.lag.max.messages was removed in 0.9"),
    (r"zookeeper", r"gone|removed|4\.0", "ZooKeeper mode is gone since Kafka 4.0"),
    (r"getoffsetshell", r"kafka-get-offsets", "GetOffsetShell became kafka-get-offsets.sh in 3.0"),
    (r"--broker-list", r"--bootstrap-server", "tools take --bootstrap-server"),
    (r"acks=all\W{0,3}(means|:|waits|confirms)|acks=all[^.]{0,40}(all|every) (assigned )?replicas",
     r"isr|in-sync", "acks=all waits for the current ISR, not every replica"),
    (r"murmur2\(key\)", r"0x7fffffff", "partition = (murmur2(key) & 0x7fffffff) % n, not abs()"),
    (r"log-end-offset", r"\bhw\b|high watermark",
     "kafka-consumer-groups' LOG-END-OFFSET is the HW"),
]

# (pattern that must not appear in a paragraph unless `unless` does, why).
FORBID = [
    (r"default[^.]*\backs=1\b|\backs=1\b[^.]*by default", r"\bwas\b|before|until",
     "acks defaults to all since 3.0"),
    (r"linger\.ms[^.]*default[^.]*\b0\b|default[^.]*linger\.ms[^.]*\b0\b", r"\bwas\b|before",
     "linger.ms is 5 since 4.0"),
    (r"replica\.lag\.time\.max\.ms[^.]*(10000|10 seconds)", r"before|until|was|here|this cluster",
     "30000 since 2.5"),
    (r"session\.timeout\.ms[^.]*(10000|10 seconds)", r"before|was", "45000 since 3.0"),
    (r"enable\.idempotence[^.]*default[^.]*false", r"before|was",
     "idempotence on by default since 3.0"),
    (r"abs\(\s*murmur2|abs\(\s*hash", r"$^", "Kafka masks with 0x7fffffff; it never calls abs()"),
    (r"retention\.ms[^.]*default[^.]*\b(1 day|24 hours|86400000)", r"$^",
     "retention.ms defaults to 7 days"),
    (r"all (assigned )?replicas (must )?(confirm|acknowledge)", r"isr|in-sync",
     "acks=all means the ISR"),
]

# Defaults a lesson states must be today's.
REQUIRED_FACTS = [
    (r"replica\.lag\.time\.max\.ms", r"30000|30 seconds"),
    (r"retention\.ms", r"604800000|7 days"),
    (r"max\.poll\.records", r"500"),
]


def _yaml_strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _yaml_strings(key)
            yield from _yaml_strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _yaml_strings(item)


def lesson_paragraphs(slug: str) -> list[tuple[str, str]]:
    """(where, paragraph) for every paragraph a learner can read in the lesson."""
    lesson = load_lesson(slug)
    out = []
    for step in lesson.steps:
        # Admonitions and list items keep their indented lines with their title.
        for paragraph in re.split(r"\n\s*\n(?=\S)", step.markdown_text):
            out.append((f"{step.slug}.md", " ".join(paragraph.split())))
    data = yaml.safe_load((CONTENT_DIR / slug / "lesson.yaml").read_text())
    for text in _yaml_strings(data):
        out.append(("lesson.yaml", text))
    return out


def violations(paragraphs: list[tuple[str, str]]) -> list[str]:
    found = []
    for where, text in paragraphs:
        for pattern, needed, why in REQUIRE_NEARBY:
            if re.search(pattern, text, re.I) and not re.search(needed, text, re.I):
                found.append(f"{where}: '{pattern}' without '{needed}' ({why}): {text[:120]}")
        for pattern, unless, why in FORBID:
            if re.search(pattern, text, re.I) and not re.search(unless, text, re.I):
                found.append(f"{where}: '{pattern}' ({why}): {text[:120]}")
    return found


def test_the_lesson_contradicts_nothing_in_kafka_facts():
    assert violations(lesson_paragraphs("kafka-basics")) == []


REPO = CONTENT_DIR.parents[2]
DIAGRAMS = ["message-flow", "partition-log", "consumer-groups", "isr", "acks", "config"]


def diagram_texts() -> list[tuple[str, str]]:
    """Words the lesson diagrams draw: skeleton text and the JS modules' string literals."""
    out = []
    for name in DIAGRAMS:
        component = "diagram_" + name.replace("-", "_")
        html = (REPO / "learnkafka/components" / component / f"{component}.html").read_text()
        for text in re.findall(r">([^<>]+)<", html):
            if text.strip():
                out.append((f"{component}.html", " ".join(text.split())))
        js = (REPO / "static/js/diagrams" / f"{name}.js").read_text()
        for literal in re.findall(r"`([^`]*)`|\"([^\"\n]*)\"", js):
            text = next(part for part in literal if part is not None)
            if re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", text):  # words, not selectors or keys
                out.append((f"{name}.js", text))
    return out


def test_what_the_diagrams_draw_contradicts_nothing_either():
    texts = diagram_texts()
    assert len(texts) > 30, "the scan found the diagrams' words"
    assert violations(texts) == []


@pytest.mark.parametrize("topic, stated", REQUIRED_FACTS)
def test_the_lesson_states_todays_defaults(topic, stated):
    text = " ".join(p for _, p in lesson_paragraphs("kafka-basics"))
    assert re.search(topic, text, re.I), f"the lesson never mentions {topic}"
    assert re.search(stated, text, re.I), f"the lesson does not state {topic}'s default {stated}"


@pytest.mark.parametrize(
    "dated",
    [
        "No key → round-robin across partitions.",
        "replica.lag.max.messages controls when a follower is kicked from ISR",
        "ZooKeeper / KRaft (metadata & coordination)",
        "kafka-run-class kafka.tools.GetOffsetShell --broker-list localhost:9092 --topic orders",
        "The producer uses acks=1 by default.",
        "acks=all: all replicas confirm the write.",
        "partition = abs(murmur2(key)) % partitions",
        "replica.lag.time.max.ms is 10000 ms.",
        "LAG is LOG-END-OFFSET minus CURRENT-OFFSET, where LOG-END-OFFSET is the leader's LEO.",
    ],
)
def test_the_checker_catches_the_guides_dated_sentences(dated):
    """The check can fail: each of the guide's dated sentences, alone, is a violation."""
    assert violations([("guide", dated)]) != []


def test_every_dated_guide_statement_is_flagged_to_the_learner():
    """The guide's four dated claims each get an "Older guides say" call-out."""
    text = " ".join(p for _, p in lesson_paragraphs("kafka-basics"))
    for claim in ["round-robin", "replica.lag.max.messages", "ZooKeeper", "GetOffsetShell"]:
        assert re.search(rf'!!! dated "[^"]*{re.escape(claim)}', text, re.I), claim
