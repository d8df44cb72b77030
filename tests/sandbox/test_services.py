"""Stored sandboxes: unguessable ids, one per learner and scenario, a bounded count,
an append-only history fenced by the lease, and the migration of old JSON logs."""
import pytest

from learnkafka.sandbox import services
from learnkafka.sandbox.models import Sandbox
from learnkafka.sandbox.selectors import lease_of, sandbox_get, sandbox_history

pytestmark = pytest.mark.django_db

CRASH = {"type": "crash_broker", "broker": 1}
RESTART = {"type": "restart_broker", "broker": 1}


def test_public_ids_are_long_random_and_distinct():
    ids = {services.sandbox_create(owner_key="k1", scenario="playground").public_id
           for _ in range(20)}
    assert len(ids) == 20
    assert all(len(i) >= 24 for i in ids)


def test_a_learner_gets_the_same_sandbox_for_a_scenario_every_time():
    first = services.sandbox_for_learner(learner_key="k1", scenario="playground")
    again = services.sandbox_for_learner(learner_key="k1", scenario="playground")
    other_scenario = services.sandbox_for_learner(learner_key="k1", scenario="replication")
    other_learner = services.sandbox_for_learner(learner_key="k2", scenario="playground")
    assert first.pk == again.pk
    assert len({first.pk, other_scenario.pk, other_learner.pk}) == 3


def test_a_learner_cannot_create_sandboxes_without_bound():
    for _ in range(services.MAX_SANDBOXES_PER_SESSION):
        services.sandbox_create(owner_key="greedy", scenario="playground")
    with pytest.raises(services.SandboxLimitReached):
        services.sandbox_create(owner_key="greedy", scenario="playground")
    assert Sandbox.objects.filter(owner_key="greedy").count() == 50


def _held(box, holder="p1"):
    epoch = services.lease_take(public_id=box.public_id, holder=holder, lease_s=30)
    assert epoch is not None
    return {"public_id": box.public_id, "holder": holder, "epoch": epoch}


def test_appended_commands_keep_their_order_time_and_place():
    box = services.sandbox_create(owner_key="k1", scenario="playground", seed=7)
    fence = _held(box)
    services.sandbox_append_command(**fence, position=0, at_ms=10, fired=3, command=CRASH)
    services.sandbox_append_command(**fence, position=1, at_ms=25, fired=None, command=RESTART)
    assert sandbox_history(public_id=box.public_id) == [
        {"at_ms": 10, "fired": 3, "command": CRASH}, {"at_ms": 25, "command": RESTART}]
    row = sandbox_get(public_id=box.public_id)
    assert (row.now_ms, row.fired) == (25, None)


def test_a_second_writer_can_neither_take_a_position_nor_write_without_the_lease():
    box = services.sandbox_create(owner_key="k1", scenario="playground")
    fence = _held(box)
    services.sandbox_append_command(**fence, position=0, at_ms=5, fired=None, command=CRASH)
    with pytest.raises(services.LeaseLost):  # the same place twice: one is refused
        services.sandbox_append_command(**fence, position=0, at_ms=6, fired=None,
                                        command=RESTART)
    assert services.lease_take(public_id=box.public_id, holder="p2", lease_s=30) is None
    Sandbox.objects.filter(pk=box.pk).update(lease_until=0)  # p1 stopped renewing
    new_epoch = services.lease_take(public_id=box.public_id, holder="p2", lease_s=30)
    assert new_epoch == fence["epoch"] + 1
    with pytest.raises(services.LeaseLost):
        services.sandbox_append_command(**fence, position=1, at_ms=7, fired=None,
                                        command=RESTART)
    with pytest.raises(services.LeaseLost):
        services.sandbox_save_clock(**fence, now_ms=99, fired=None, speed=1.0, playing=True)
    assert [e["command"] for e in sandbox_history(public_id=box.public_id)] == [CRASH]
    assert lease_of(public_id=box.public_id)[0] == "p2"


def test_replacing_history_keeps_a_prefix():
    box = services.sandbox_create(owner_key="k1", scenario="playground")
    fence = _held(box)
    for i in range(3):
        services.sandbox_append_command(**fence, position=i, at_ms=i, fired=None, command=CRASH)
    services.sandbox_replace_history(**fence, scenario="playground", keep=1, now_ms=1, fired=None)
    assert len(sandbox_history(public_id=box.public_id)) == 1
    services.sandbox_replace_history(**fence, scenario="lesson-isr", keep=0, now_ms=0, fired=None)
    assert sandbox_history(public_id=box.public_id) == []
    assert sandbox_get(public_id=box.public_id).scenario == "lesson-isr"


def test_stale_sandboxes_can_be_cleaned_up_and_fresh_ones_stay():
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    old = services.sandbox_create(owner_key="k1", scenario="playground")
    fresh = services.sandbox_create(owner_key="k2", scenario="playground")
    Sandbox.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=91))
    out = StringIO()
    call_command("sandbox_cleanup", "--days", "90", stdout=out)
    assert "Deleted 1 sandbox" in out.getvalue()
    assert list(Sandbox.objects.values_list("pk", flat=True)) == [fresh.pk]


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_json_logs_into_rows_and_sessions_into_learner_keys():
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate([("sandbox", "0001_initial")])
    old_apps = executor.loader.project_state([("sandbox", "0001_initial")]).apps
    OldSandbox = old_apps.get_model("sandbox", "Sandbox")
    with_key, without_key = SessionStore(), SessionStore()
    with_key["learner_key"] = "a" * 32
    with_key.create()
    without_key.create()
    log = [{"at_ms": 10, "command": CRASH}, {"at_ms": 10, "command": RESTART}]
    OldSandbox.objects.create(public_id="migrated-one-0000000000", scenario="playground", seed=1,
                              owner_session_key=with_key.session_key, command_log=log, now_ms=30)
    OldSandbox.objects.create(public_id="migrated-two-0000000000", scenario="playground", seed=1,
                              owner_session_key=without_key.session_key, command_log=[])
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    # Forward to every app's leaf: going back to sandbox 0001 also unapplied the
    # apps that depend on it (the gateway's tokens), and later tests need them.
    executor.migrate(executor.loader.graph.leaf_nodes())
    one = Sandbox.objects.get(public_id="migrated-one-0000000000")
    two = Sandbox.objects.get(public_id="migrated-two-0000000000")
    assert one.owner_key == "a" * 32
    assert two.owner_key == SessionStore(session_key=without_key.session_key)["learner_key"]
    assert sandbox_history(public_id=one.public_id) == log
    assert one.now_ms == 30
