# ruff: noqa: E501  (expected terminal lines are wider than our code)
"""The in-browser CLI prints exactly what Kafka 4.x's tools print."""

from simulator.tools.cli_output import (
    AclEntry,
    DescribedGroup,
    DescribedMember,
    DescribedPartition,
    DescribedTopic,
    acls_list,
    console_consumer,
    console_consumer_group_id,
    consumer_groups_describe,
    consumer_groups_members,
    consumer_groups_state,
    get_offsets,
    topics_describe,
)

HEADER = (
    "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             "
    "CONSUMER-ID     HOST            CLIENT-ID"
)


def test_describe_group_with_no_active_members_prints_the_message_then_committed_rows():
    group = DescribedGroup(
        group_id="hello-group",
        state="Empty",
        committed={("hello.kafka", 0): 11},
        log_end_offsets={("hello.kafka", 0): 16},
    )
    assert consumer_groups_describe(group, "hello-group") == (
        "\nConsumer group 'hello-group' has no active members.\n"
        "\n" + HEADER + "\n"
        "hello-group     hello.kafka     0          11              16              5               "
        "-               -               -\n"
    )


def test_describe_stable_group_widens_columns_and_orders_rows_by_member_then_partition():
    member_a = DescribedMember(
        consumer_id="consumer-payment-service-1-0b5a",
        client_id="consumer-payment-service-1",
        host="/10.0.0.7",
        assignment=(("orders", 2),),
    )
    member_b = DescribedMember(
        consumer_id="consumer-payment-service-2-77c1",
        client_id="consumer-payment-service-2",
        host="/10.0.0.8",
        assignment=(("orders", 1), ("orders", 0)),
    )
    idle = DescribedMember("consumer-payment-service-3-9d0e", "consumer-payment-service-3", "/x")
    group = DescribedGroup(
        group_id="payment-service",
        state="Stable",
        members=(member_a, member_b, idle),
        committed={("orders", 0): 40, ("orders", 2): 7},
        log_end_offsets={("orders", 0): 42, ("orders", 1): 10, ("orders", 2): 7},
    )
    cid = 31  # len("consumer-payment-service-1-0b5a")
    header = (
        "GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             "
        + "CONSUMER-ID".ljust(cid)
        + " HOST            CLIENT-ID"
    )
    assert consumer_groups_describe(group, "payment-service") == (
        "\n" + header + "\n"
        "payment-service orders          0          40              42              2               "
        "consumer-payment-service-2-77c1 /10.0.0.8       consumer-payment-service-2\n"
        "payment-service orders          1          -               10              -               "
        "consumer-payment-service-2-77c1 /10.0.0.8       consumer-payment-service-2\n"
        "payment-service orders          2          7               7               0               "
        "consumer-payment-service-1-0b5a /10.0.0.7       consumer-payment-service-1\n"
    )


def test_describe_rebalancing_group_warns_first():
    group = DescribedGroup(
        group_id="g",
        state="PreparingRebalance",
        committed={("t", 0): 1},
        log_end_offsets={("t", 0): 1},
    )
    text = consumer_groups_describe(group, "g")
    assert text.startswith("\nWarning: Consumer group 'g' is rebalancing.\n\nGROUP ")


def test_describe_group_without_rows_prints_only_the_state_message():
    assert consumer_groups_describe(DescribedGroup("g", "Empty"), "g") == (
        "\nConsumer group 'g' has no active members.\n"
    )


def test_describe_unknown_group():
    # ConsumerGroupCommand.printError prints "\nError: ..."
    assert consumer_groups_describe(None, "nope") == (
        "\nError: Consumer group 'nope' does not exist.\n"
    )


def test_topics_describe_matches_kafka_4():
    topic = DescribedTopic(
        name="orders",
        topic_id="r7mFHLM1RNGzSBSTEfBxgA",
        partitions=(
            DescribedPartition(1, None, (2, 3, 1), ()),
            DescribedPartition(0, 1, (1, 2, 3), (1, 2)),
        ),
        configs={"retention.ms": "60000", "min.insync.replicas": "2"},
    )
    assert topics_describe(topic, "orders") == (
        "Topic: orders\tTopicId: r7mFHLM1RNGzSBSTEfBxgA\tPartitionCount: 2\tReplicationFactor: 3"
        "\tConfigs: min.insync.replicas=2,retention.ms=60000\n"
        "\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2\tElr: \tLastKnownElr: \n"
        "\tTopic: orders\tPartition: 1\tLeader: none\tReplicas: 2,3,1\tIsr: \tElr: \tLastKnownElr: \n"
    )


def test_topics_describe_unknown_topic():
    assert topics_describe(None, "ordrs") == (
        "Error while executing topic command : Topic 'ordrs' does not exist as expected\n"
    )


def test_get_offsets_prints_topic_partition_offset():
    assert get_offsets({("orders", 1): 10, ("orders", 0): 42}) == "orders:0:42\norders:1:10\n"
    # GetOffsetShell's TreeMap orders by the "topic-partition" string.
    many = {("orders", p): p for p in range(12)}
    assert [line.split(":")[1] for line in get_offsets(many).splitlines()] == [
        "0", "1", "10", "11", "2", "3", "4", "5", "6", "7", "8", "9"]
    assert get_offsets(None) == (
        "Error occurred: Could not match any topic-partitions with the specified filters\n"
    )


def test_console_consumer_prints_values_then_the_total():
    records = [("k1", '{"id": 1}'), (None, "plain")]
    assert console_consumer(records) == '{"id": 1}\nplain\nProcessed a total of 2 messages\n'
    assert console_consumer(records, key=True) == (
        'k1\t{"id": 1}\nnull\tplain\nProcessed a total of 2 messages\n'
    )
    assert console_consumer([]) == "Processed a total of 0 messages\n"


def test_console_consumer_group_is_fresh():
    assert console_consumer_group_id([], 123456) == "console-consumer-23456"
    assert console_consumer_group_id(["console-consumer-5"], 5) == "console-consumer-6"


def test_acls_list_matches_acl_command():
    entries = [AclEntry("User:alice", "READ"), AclEntry("User:bob", "WRITE", "DENY")]
    assert acls_list("TOPIC", "orders", entries) == (
        "Current ACLs for resource `ResourcePattern(resourceType=TOPIC, name=orders, "
        "patternType=LITERAL)`: \n"
        " \t(principal=User:alice, host=*, operation=READ, permissionType=ALLOW)\n"
        "\t(principal=User:bob, host=*, operation=WRITE, permissionType=DENY) \n\n"
    )
    assert acls_list("TOPIC", "orders", []) == ""


def test_members_view_pads_every_column():
    group = DescribedGroup(
        "g",
        "Stable",
        members=(
            DescribedMember("m-1", "c-1", "/10.0.1.1", (("t", 0), ("t", 1))),
            DescribedMember("m-2", "c-2", "/10.0.1.2"),
        ),
    )
    assert consumer_groups_members(group, "g") == (
        "\nGROUP           CONSUMER-ID     HOST            CLIENT-ID       #PARTITIONS     \n"
        "g               m-1             /10.0.1.1       c-1             2               \n"
        "g               m-2             /10.0.1.2       c-2             0               \n"
    )
    # shouldPrintMemberState: no rows, so only the message (no header).
    assert consumer_groups_members(DescribedGroup("g", "Empty"), "g") == (
        "\nConsumer group 'g' has no active members.\n"
    )


def test_state_view():
    group = DescribedGroup("g", "Stable", members=(DescribedMember("m", "c", "/h"),))
    # printStates: GROUP padded to max(25, coordinator text), STATE to 15.
    assert consumer_groups_state(group, "g", 2, "range") == (
        "\nGROUP                     COORDINATOR (ID)          ASSIGNMENT-STRATEGY  STATE           #MEMBERS"
        "\ng                         broker-2:9092  (2)        range                Stable          1\n"
    )
    # An Empty group has no assignment strategy: the column is blank.
    empty = consumer_groups_state(DescribedGroup("g", "Empty"), "g", 2, "range")
    assert empty.endswith("\ng                         broker-2:9092  (2)        "
                          "                     Empty           0\n")
    assert (
        consumer_groups_state(None, "x", None, None)
        == "\nError: Consumer group 'x' does not exist.\n"
    )
