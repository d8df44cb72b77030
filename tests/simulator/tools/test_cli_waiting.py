"""Tools that wait, as Kafka's do: the console consumer until --max-messages
(ConsoleConsumer.process), the console producer's Ctrl-C until its records are
acknowledged (ConsoleProducer's shutdown hook runs KafkaProducer.close())."""

from simulator.tools.cli import CONSOLE_PRODUCER, TOOL_WAIT_MS, run_cli, run_cli_playing
from simulator.tools.view import ClusterView
from tests.simulator.consumers.consumer_helpers import sim_with

B = "--bootstrap-server broker-1:9092"
PRODUCER = f"kafka-console-producer.sh {B} --topic orders --property parse.key=true"
CONSUMER = f"kafka-console-consumer.sh {B} --topic orders --property print.key=true"


def _started_sim():
    sim = sim_with([], partitions=1)
    sim.advance(6_000)  # brokers up, a leader elected
    return sim


def _type(sim, line: str, number: int = 1):
    result = run_cli(sim.world, PRODUCER, stdin=line, stdin_number=number)
    for command in result.commands:
        sim.apply(command)
    return result


def test_a_record_just_typed_is_not_readable_until_acknowledged_so_the_consumer_waits():
    sim = _started_sim()
    _type(sim, "k1\tv1")
    assert ClusterView(sim.world).producer_unfinished(CONSOLE_PRODUCER) == 1
    line = f"{CONSUMER} --from-beginning --max-messages 1"
    now = run_cli(sim.world, line)
    # At this instant the high watermark has not moved: the real tool keeps polling.
    assert "Processed a total of 0 messages" in now.output
    assert now.wait is not None and now.wait.until_ms == sim.world.now_ms + TOOL_WAIT_MS
    done = run_cli_playing(sim, line)
    assert done.wait is None
    assert "k1\tv1\nProcessed a total of 1 messages\n" in done.output
    assert "stopped" not in done.output
    assert sim.world.now_ms < now.wait.until_ms  # it ended when the record came, not later


def test_the_consumer_keeps_its_start_positions_and_reads_what_arrives_later():
    sim = _started_sim()
    line = f"{CONSUMER} --max-messages 2"  # from the latest offset, fixed when it starts
    first = run_cli(sim.world, line)
    assert first.wait is not None
    _type(sim, "a\t1")
    _type(sim, "b\t2", 2)
    sim.advance(2_000)
    later = run_cli(sim.world, line, resume=first.wait)
    assert later.wait is None
    assert "a\t1\nb\t2\nProcessed a total of 2 messages\n" in later.output
    # The same line run afresh now starts at the end and waits for new records.
    assert run_cli(sim.world, line).wait is not None


def test_the_simulator_stops_a_consumer_that_would_wait_forever_and_says_so():
    sim = _started_sim()
    line = f"{CONSUMER} --from-beginning --max-messages 3"
    started = sim.world.now_ms
    result = run_cli_playing(sim, line, step_ms=1_000)
    assert result.wait is not None  # still short of 3: the caller stops it
    assert sim.world.now_ms >= started + TOOL_WAIT_MS
    assert "Processed a total of 0 messages" in result.output
    assert "the real tool would still be waiting for 3 more message(s)" in result.output


def test_timeout_ms_ends_the_consumer_with_kafkas_timeout_exception():
    sim = _started_sim()
    line = f"{CONSUMER} --from-beginning --max-messages 5 --timeout-ms 2000"
    first = run_cli(sim.world, line)
    assert first.wait.until_ms == sim.world.now_ms + 2_001
    sim.advance(1_000)
    assert run_cli(sim.world, line, resume=first.wait).wait is not None  # not yet
    sim.advance(1_500)
    ended = run_cli(sim.world, line, resume=first.wait)
    assert ended.wait is None
    assert "ERROR Error processing message, terminating consumer process" in ended.output
    assert "org.apache.kafka.common.errors.TimeoutException\n" in ended.output
    assert ended.output.count("Processed a total of 0 messages") == 1


def test_ctrl_c_of_the_console_producer_waits_for_its_records_to_be_acknowledged():
    sim = _started_sim()
    _type(sim, "k1\tv1")
    closing = run_cli(sim.world, PRODUCER, close=True)
    assert not closing.interactive and not closing.commands
    assert closing.wait is not None
    assert "1 record(s) not yet acknowledged" in closing.output
    closed = run_cli_playing(sim, PRODUCER, close=True)
    assert closed.output == "" and closed.wait is None and not closed.interactive
    assert ClusterView(sim.world).producer_unfinished(CONSOLE_PRODUCER) == 0
    # Acknowledged means replicated to the ISR (acks=all): a consumer reads it at once.
    read = run_cli(sim.world, f"{CONSUMER} --from-beginning --max-messages 1")
    assert read.wait is None and "k1\tv1\nProcessed a total of 1 messages\n" in read.output


def test_ctrl_c_with_nothing_sent_exits_at_once():
    sim = _started_sim()
    result = run_cli(sim.world, PRODUCER, close=True)
    assert result.output == "" and result.wait is None and not result.interactive
