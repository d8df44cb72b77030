"""The in-browser command line runs Kafka's tools against the simulated cluster."""

from simulator.tools.cli import run_cli
from tests.simulator.consumers.consumer_helpers import group, produce, sim_with

B = "--bootstrap-server broker-1:9092"


def _settled_sim():
    sim = sim_with(
        [group("payment-service", ["A"], **{"auto.offset.reset": "earliest"})], partitions=2
    )
    sim.advance(5_000)
    produce(sim, 6, partition=0)
    sim.advance(6_000)
    return sim


def test_describe_group_through_the_cli():
    sim = _settled_sim()
    out = run_cli(sim.world, f"kafka-consumer-groups.sh {B} --describe --group payment-service")
    lines = out.output.splitlines()
    assert lines[0] == ""
    assert lines[1].startswith("GROUP           TOPIC           PARTITION  CURRENT-OFFSET")
    assert lines[2].split()[:6] == ["payment-service", "orders", "0", "6", "6", "0"]
    assert out.command is None
    # Confluent spelling without .sh works too.
    same = run_cli(sim.world, f"kafka-consumer-groups {B} --describe --group payment-service")
    assert same.output == out.output


def test_list_groups_topics_and_offsets():
    sim = _settled_sim()
    assert run_cli(sim.world, f"kafka-consumer-groups.sh {B} --list").output == (
        "payment-service\n"
    )
    # Internal topics are listed unless --exclude-internal (TopicCommand.getTopics).
    listed = run_cli(sim.world, f"kafka-topics.sh {B} --list").output
    assert listed == "__consumer_offsets\norders\n"
    assert run_cli(sim.world, f"kafka-topics.sh {B} --list --exclude-internal").output == "orders\n"
    assert run_cli(sim.world, f"kafka-get-offsets.sh {B} --topic orders").output == (
        "orders:0:6\norders:1:0\n"
    )
    assert run_cli(sim.world, f"kafka-get-offsets.sh {B} --topic orders --time -2").output == (
        "orders:0:0\norders:1:0\n"
    )
    described = run_cli(sim.world, f"kafka-topics.sh {B} --describe --topic orders").output
    assert described.startswith("Topic: orders\tTopicId: ")
    assert "\tPartitionCount: 2\tReplicationFactor: 3\tConfigs: \n" in described
    assert described.count("\tTopic: orders\tPartition: ") == 2


def test_the_guides_get_offset_shell_line_points_to_todays_tool():
    sim = _settled_sim()
    out = run_cli(
        sim.world,
        "kafka-run-class kafka.tools.GetOffsetShell --broker-list localhost:9092 --topic orders",
    ).output
    assert out.startswith("Error: Could not find or load main class kafka.tools.GetOffsetShell\n")
    assert "kafka-get-offsets.sh --bootstrap-server" in out


def test_console_consumer_fresh_group_from_beginning_or_latest():
    sim = _settled_sim()
    out = run_cli(
        sim.world,
        f"kafka-console-consumer.sh {B} --topic orders --from-beginning --property print.key=true",
    ).output
    assert out.splitlines()[0].startswith("# a fresh group console-consumer-")
    assert out.splitlines()[1] == "k-0\tv-0"
    assert "Processed a total of 6 messages\n# the real tool keeps waiting" in out
    latest = run_cli(sim.world, f"kafka-console-consumer.sh {B} --topic orders").output
    assert "Processed a total of 0 messages\n" in latest


def test_console_consumer_with_an_active_group_is_refused_politely():
    sim = _settled_sim()
    out = run_cli(
        sim.world, f"kafka-console-consumer.sh {B} --topic orders --group payment-service"
    ).output
    assert out.startswith("# group 'payment-service' has active members")


def test_reset_offsets_dry_run_then_execute_returns_the_command():
    sim = _settled_sim()
    line = (
        f"kafka-consumer-groups.sh {B} --reset-offsets --group payment-service "
        "--topic orders --to-earliest"
    )
    refused = run_cli(sim.world, line + " --execute")
    # ConsumerGroupService.resetOffsets: the error, then printOffsetsToReset's header alone.
    assert refused.output == (
        "\nError: Assignments can only be reset if the group "
        "'payment-service' is inactive, but the current state is "
        "Stable.\n"
        "\nGROUP                          TOPIC                          PARTITION  "
        "NEW-OFFSET     \n"
    )
    assert refused.commands == ()
    sim.apply({"type": "remove_consumer", "consumer": "A"})
    sim.advance(1_000)
    dry = run_cli(sim.world, line)
    assert dry.commands == ()
    assert dry.output.startswith("WARN: No action will be performed as the --execute option")
    assert dry.output.endswith(
        "\nGROUP                          TOPIC                          PARTITION  NEW-OFFSET     "
        "\npayment-service                orders                         0          0              "
        "\npayment-service                orders                         1          0"
        "              \n"
    )
    executed = run_cli(sim.world, line + " --execute")
    assert [c["partition"] for c in executed.commands] == [0, 1]
    assert executed.command == {
        "type": "reset_offsets",
        "group": "payment-service",
        "topic": "orders",
        "to": "offset",
        "offset": 0,
        "partition": 0,
    }
    for command in executed.commands:
        sim.apply(command)
    out = run_cli(sim.world, f"kafka-consumer-groups.sh {B} --describe --group payment-service")
    assert out.output.splitlines()[4].split()[:6] == [
        "payment-service",
        "orders",
        "0",
        "0",
        "6",
        "6",
    ]


def test_acls_list_and_bad_lines():
    sim = sim_with(
        [],
        acls=[
            {
                "resource_type": "TOPIC",
                "name": "orders",
                "principal": "User:alice",
                "operation": "READ",
            }
        ],
    )
    out = run_cli(sim.world, f"kafka-acls.sh {B} --list --topic orders").output
    assert out.startswith(
        "Current ACLs for resource `ResourcePattern(resourceType=TOPIC, "
        "name=orders, patternType=LITERAL)`: \n"
    )
    assert run_cli(sim.world, "kafka-topics.sh --list").output.startswith(
        "--bootstrap-server must be specified\njava.lang.IllegalArgumentException"
    )
    assert run_cli(sim.world, "kafka-acls.sh --list").output.startswith(
        "Only one of --bootstrap-server or --bootstrap-controller must be specified\nOption  "
    )
    wrong = run_cli(sim.world, "kafka-topics.sh --bootstrap-server kafka:9092 --list").output
    assert wrong.startswith("# no broker answers at kafka:9092")
    assert run_cli(sim.world, "rm -rf /").output.startswith("bash: rm: command not found\n")
    assert run_cli(sim.world, "kafka-topics.sh 'unclosed").output.startswith("# cannot parse")
    assert run_cli(sim.world, "x" * 5_000).output.startswith("# a command line is at most")


def test_describe_members_and_state():
    sim = sim_with([group("payment-service", ["A", "B", "C", "D"])])
    sim.advance(6_000)
    members = run_cli(
        sim.world, f"kafka-consumer-groups.sh {B} --describe --group payment-service --members"
    ).output.splitlines()
    assert members[0] == ""
    assert members[1].startswith("GROUP           CONSUMER-ID")
    assert members[1].endswith("CLIENT-ID                  #PARTITIONS     ")
    counts = sorted(int(line.split()[-1]) for line in members[2:])
    assert counts == [0, 1, 1, 1]  # one member sits idle: #PARTITIONS 0
    state = run_cli(
        sim.world, f"kafka-consumer-groups.sh {B} --describe --group payment-service --state"
    ).output.splitlines()
    assert state[1].split() == [
        "GROUP",
        "COORDINATOR",
        "(ID)",
        "ASSIGNMENT-STRATEGY",
        "STATE",
        "#MEMBERS",
    ]
    row = state[2].split()
    assert row[0] == "payment-service" and row[3:] == ["range", "Stable", "4"]
    assert row[1].startswith("broker-") and row[2].startswith("(")
