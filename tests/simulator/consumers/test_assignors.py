"""The assignors reproduce Kafka's documented examples and keep their promises."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.consumers.assignors import (
    MemberSubscription,
    choose_assignor,
    cooperative_sticky_assign,
    coordinator_partition,
    java_string_hash,
    kafka_abs,
    range_assign,
    rebalance_protocol,
    round_robin_assign,
    sticky_assign,
)


def tp(name: str) -> tuple[str, int]:
    """'t1p0' -> ('t1', 0), the javadoc's shorthand."""
    topic, partition = name.split("p")
    return (topic, int(partition))


def tps(*names: str) -> list[tuple[str, int]]:
    return [tp(n) for n in names]


def member(member_id, topics, owned=(), generation=None, instance=None):
    return MemberSubscription(member_id, tuple(topics), tuple(owned), generation, instance)


TWO_TOPICS = {"t0": 3, "t1": 3}
TWO_MEMBERS = [member("C0", ["t0", "t1"]), member("C1", ["t0", "t1"])]


def test_range_example_from_kafka_docs():
    """Two topics x 3 partitions, 2 members: C0 gets the extra partition of each topic."""
    assert range_assign(TWO_TOPICS, TWO_MEMBERS) == {
        "C0": tps("t0p0", "t0p1", "t1p0", "t1p1"),
        "C1": tps("t0p2", "t1p2"),
    }


def test_round_robin_example_from_kafka_docs():
    assert round_robin_assign(TWO_TOPICS, TWO_MEMBERS) == {
        "C0": tps("t0p0", "t0p2", "t1p1"),
        "C1": tps("t0p1", "t1p0", "t1p2"),
    }


def test_static_members_sort_first_by_instance_id():
    """A static member (group.instance.id) comes before dynamic ones whatever its member id."""
    members = [member("a-dynamic", ["t0"]), member("z-static", ["t0"], instance="i-1")]
    assert range_assign({"t0": 3}, members) == {
        "z-static": tps("t0p0", "t0p1"),
        "a-dynamic": tps("t0p2"),
    }


def test_members_beyond_the_partition_count_get_nothing():
    members = [member(f"C{i}", ["orders"]) for i in range(4)]
    for assign in (range_assign, round_robin_assign, sticky_assign, cooperative_sticky_assign):
        result = assign({"orders": 3}, members)
        assert sorted(len(v) for v in result.values()) == [0, 1, 1, 1], assign.__name__
        assert result["C3"] == []


# StickyAssignor javadoc, example 1: three consumers, four topics of two partitions.
EXAMPLE_1_TOPICS = {"t0": 2, "t1": 2, "t2": 2, "t3": 2}


def test_sticky_javadoc_example_1_fresh_assignment():
    members = [member(c, EXAMPLE_1_TOPICS) for c in ("C0", "C1", "C2")]
    expected = {
        "C0": tps("t0p0", "t1p1", "t3p0"),
        "C1": tps("t0p1", "t2p0", "t3p1"),
        "C2": tps("t1p0", "t2p1"),
    }
    assert sticky_assign(EXAMPLE_1_TOPICS, members) == expected
    # "The assignment with both sticky and round robin assignors will be" the same.
    assert round_robin_assign(EXAMPLE_1_TOPICS, members) == expected


def test_sticky_javadoc_example_1_after_c1_leaves_preserves_every_previous_assignment():
    """Round robin reshuffles; sticky keeps all five partitions where they were.

    The javadoc lists C0 [t0p0, t1p1, t3p0, t2p0] / C2 [t1p0, t2p1, t0p1, t3p1],
    the general algorithm's result (the only path up to 2.5). Since 2.6
    (KAFKA-9987) members that subscribe alike take the constrained path, which
    keeps the same five partitions and balances 4/4, handing the freed t0p1,
    t2p0, t3p1 out round-robin to C0, C2, C2.
    """
    survivors = [
        member("C0", EXAMPLE_1_TOPICS, tps("t0p0", "t1p1", "t3p0"), generation=1),
        member("C2", EXAMPLE_1_TOPICS, tps("t1p0", "t2p1"), generation=1),
    ]
    assert round_robin_assign(EXAMPLE_1_TOPICS, survivors) == {
        "C0": tps("t0p0", "t1p0", "t2p0", "t3p0"),
        "C2": tps("t0p1", "t1p1", "t2p1", "t3p1"),
    }
    result = sticky_assign(EXAMPLE_1_TOPICS, survivors)
    assert set(tps("t0p0", "t1p1", "t3p0")) <= set(result["C0"])
    assert set(tps("t1p0", "t2p1")) <= set(result["C2"])
    assert result == {
        "C0": tps("t0p0", "t3p0", "t1p1", "t0p1"),
        "C2": tps("t1p0", "t2p1", "t2p0", "t3p1"),
    }


# StickyAssignor javadoc, example 2: unequal subscriptions.
EXAMPLE_2_TOPICS = {"t0": 1, "t1": 2, "t2": 3}
EXAMPLE_2_MEMBERS = [
    member("C0", ["t0"]),
    member("C1", ["t0", "t1"]),
    member("C2", ["t0", "t1", "t2"]),
]


def test_sticky_javadoc_example_2_is_more_balanced_than_round_robin():
    assert round_robin_assign(EXAMPLE_2_TOPICS, EXAMPLE_2_MEMBERS) == {
        "C0": tps("t0p0"),
        "C1": tps("t1p0"),
        "C2": tps("t1p1", "t2p0", "t2p1", "t2p2"),
    }
    result = sticky_assign(EXAMPLE_2_TOPICS, EXAMPLE_2_MEMBERS)
    assert {k: sorted(v) for k, v in result.items()} == {
        "C0": tps("t0p0"),
        "C1": tps("t1p0", "t1p1"),
        "C2": tps("t2p0", "t2p1", "t2p2"),
    }


def test_sticky_javadoc_example_2_after_c0_leaves():
    """Round robin preserves 3 assignments, sticky preserves 5."""
    survivors = [
        member("C1", ["t0", "t1"]),
        member("C2", ["t0", "t1", "t2"]),
    ]
    assert round_robin_assign(EXAMPLE_2_TOPICS, survivors) == {
        "C1": tps("t0p0", "t1p1"),
        "C2": tps("t1p0", "t2p0", "t2p1", "t2p2"),
    }
    survivors = [
        member("C1", ["t0", "t1"], tps("t1p0", "t1p1"), generation=1),
        member("C2", ["t0", "t1", "t2"], tps("t2p0", "t2p1", "t2p2"), generation=1),
    ]
    assert sticky_assign(EXAMPLE_2_TOPICS, survivors) == {
        "C1": tps("t1p0", "t1p1", "t0p0"),
        "C2": tps("t2p0", "t2p1", "t2p2"),
    }


def test_cooperative_sticky_withholds_partitions_that_change_owner():
    """C2 joins two members owning 3 each: first C2 gets nothing, the moving
    partitions are only revoked; after the owners rejoin, C2 receives them."""
    topics = {"orders": 6}
    before = [
        member("C0", ["orders"], tps("ordersp0", "ordersp1", "ordersp2")),
        member("C1", ["orders"], tps("ordersp3", "ordersp4", "ordersp5")),
        member("C2", ["orders"]),
    ]
    first = cooperative_sticky_assign(topics, before)
    assert first == {"C0": tps("ordersp0", "ordersp1"), "C1": tps("ordersp3", "ordersp4"), "C2": []}
    # The owners revoke what they lost and rejoin with what they kept.
    second_round = [
        member("C0", ["orders"], first["C0"]),
        member("C1", ["orders"], first["C1"]),
        member("C2", ["orders"], first["C2"]),
    ]
    second = cooperative_sticky_assign(topics, second_round)
    assert second == {
        "C0": tps("ordersp0", "ordersp1"),
        "C1": tps("ordersp3", "ordersp4"),
        "C2": tps("ordersp2", "ordersp5"),
    }


def test_sticky_same_generation_double_claim_is_taken_from_both():
    members = [
        member("C0", ["t"], tps("tp0"), generation=3),
        member("C1", ["t"], tps("tp0"), generation=3),
    ]
    result = sticky_assign({"t": 2}, members)
    assert sorted(result["C0"] + result["C1"]) == tps("tp0", "tp1")


def test_sticky_higher_generation_wins_a_claim():
    members = [
        member("C0", ["t"], tps("tp0", "tp1"), generation=2),
        member("C1", ["t"], tps("tp1"), generation=3),
    ]
    assert sticky_assign({"t": 2}, members) == {"C0": tps("tp0"), "C1": tps("tp1")}


def test_default_strategy_behaves_as_eager_range():
    strategies = [("range", "cooperative-sticky")] * 2
    assert choose_assignor(strategies) == "range"
    assert rebalance_protocol(strategies) == "eager"
    assert rebalance_protocol([("cooperative-sticky",)]) == "cooperative"


def test_java_string_hash_matches_java():
    # Values computed by java.lang.String.hashCode.
    assert java_string_hash("") == 0
    assert java_string_hash("a") == 97
    assert java_string_hash("hello") == 99162322
    assert java_string_hash("polygenelubricants") == -2147483648  # the famous MIN_VALUE string
    assert kafka_abs(-2147483648) == 0
    assert coordinator_partition("polygenelubricants") == 0


def test_coordinator_partition_is_abs_hash_mod_partitions():
    h = java_string_hash("payment-service")
    assert coordinator_partition("payment-service") == abs(h) % 50
    assert coordinator_partition("payment-service", 3) == abs(h) % 3


# ------------------------------------------------------------------ properties

topic_sizes = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d"]), st.integers(min_value=1, max_value=6), min_size=1
)


@st.composite
def groups(draw):
    sizes = draw(topic_sizes)
    names = sorted(sizes)
    count = draw(st.integers(min_value=1, max_value=6))
    members = []
    for i in range(count):
        topics = draw(st.lists(st.sampled_from(names + ["missing"]), min_size=1, unique=True))
        owned = draw(
            st.lists(
                st.sampled_from([(t, p) for t in names for p in range(sizes[t])]),
                unique=True,
                max_size=4,
            )
        )
        generation = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=3)))
        members.append(member(f"m{i}", topics, owned, generation))
    return sizes, members


@settings(max_examples=200, deadline=None)
@given(groups())
def test_every_subscribed_partition_has_exactly_one_subscribed_owner(group):
    sizes, members = group
    subscribed = {(t, p) for m in members for t in m.topics if t in sizes for p in range(sizes[t])}
    by_id = {m.member_id: m for m in members}
    for assign in (range_assign, round_robin_assign, sticky_assign):
        result = assign(sizes, members)
        flat = [tp for tps_ in result.values() for tp in tps_]
        assert len(flat) == len(set(flat)), assign.__name__
        assert set(flat) == subscribed, assign.__name__
        for member_id, owned in result.items():
            assert all(t in by_id[member_id].topics for t, _ in owned)


@settings(max_examples=200, deadline=None)
@given(groups())
def test_sticky_is_balanced(group):
    """No member can take a partition from a member holding 2+ more of them."""
    sizes, members = group
    result = sticky_assign(sizes, members)
    by_id = {m.member_id: m for m in members}
    for owned in result.values():
        for topic, _ in owned:
            for target, theirs in result.items():
                if topic in by_id[target].topics:
                    assert len(owned) <= len(theirs) + 1


@settings(max_examples=200, deadline=None)
@given(groups())
def test_cooperative_never_hands_out_a_partition_another_member_still_owns(group):
    sizes, members = group
    owners = {}
    for m in members:
        for tp_ in m.owned:
            owners.setdefault(tp_, set()).add(m.member_id)
    for member_id, assigned in cooperative_sticky_assign(sizes, members).items():
        for tp_ in assigned:
            claimants = owners.get(tp_, set())
            # A partition one other member still owns is only revoked this round.
            assert not (len(claimants) == 1 and member_id not in claimants)


@settings(max_examples=150, deadline=None)
@given(groups())
def test_cooperative_rounds_converge_to_a_complete_balanced_assignment(group):
    """Rejoining with what each member kept, cooperative-sticky settles within a few rounds."""
    sizes, members = group
    current = {m.member_id: list(m.owned) for m in members}
    for _ in range(4):
        round_members = [
            member(
                m.member_id,
                m.topics,
                [tp for tp in current[m.member_id] if tp[0] in m.topics and tp[0] in sizes],
            )
            for m in members
        ]
        # A partition claimed twice is dropped by both before rejoining (as the
        # coordinator's generation check would force).
        claimed = [tp for m in round_members for tp in m.owned]
        round_members = [
            member(m.member_id, m.topics, [tp for tp in m.owned if claimed.count(tp) == 1])
            for m in round_members
        ]
        current = cooperative_sticky_assign(sizes, round_members)
    subscribed = {(t, p) for m in members for t in m.topics if t in sizes for p in range(sizes[t])}
    flat = [tp for tps_ in current.values() for tp in tps_]
    assert sorted(flat) == sorted(subscribed)


def test_the_group_votes_for_its_assignor():
    assert choose_assignor([("roundrobin", "range"), ("range",)]) == "range"
    assert (
        choose_assignor([("range", "roundrobin"), ("roundrobin", "range"), ("roundrobin", "range")])
        == "roundrobin"
    )
    with pytest.raises(ValueError):
        choose_assignor([("sticky",), ("range",)])
