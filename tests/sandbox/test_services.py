"""Stored sandboxes: unguessable ids, one per session and scenario, a bounded count."""
import pytest

from learnkafka.sandbox import services
from learnkafka.sandbox.models import Sandbox
from learnkafka.sandbox.selectors import sandbox_get

pytestmark = pytest.mark.django_db


def test_public_ids_are_long_random_and_distinct():
    ids = {services.sandbox_create(session_key="s1", scenario="playground").public_id
           for _ in range(20)}
    assert len(ids) == 20
    assert all(len(i) >= 24 for i in ids)


def test_a_session_gets_the_same_sandbox_for_a_scenario_every_time():
    first = services.sandbox_for_session(session_key="s1", scenario="playground")
    again = services.sandbox_for_session(session_key="s1", scenario="playground")
    other_scenario = services.sandbox_for_session(session_key="s1", scenario="replication")
    other_learner = services.sandbox_for_session(session_key="s2", scenario="playground")
    assert first.pk == again.pk
    assert len({first.pk, other_scenario.pk, other_learner.pk}) == 3


def test_a_session_cannot_create_sandboxes_without_bound():
    for _ in range(services.MAX_SANDBOXES_PER_SESSION):
        services.sandbox_create(session_key="greedy", scenario="playground")
    with pytest.raises(services.SandboxLimitReached):
        services.sandbox_create(session_key="greedy", scenario="playground")
    assert Sandbox.objects.filter(owner_session_key="greedy").count() == 50


def test_recorded_commands_keep_their_order_and_time():
    box = services.sandbox_create(session_key="s1", scenario="playground", seed=7)
    services.sandbox_record_command(public_id=box.public_id, at_ms=10,
                                    command={"type": "crash_broker", "broker": 1}, now_ms=10)
    services.sandbox_record_command(public_id=box.public_id, at_ms=25,
                                    command={"type": "restart_broker", "broker": 1}, now_ms=30)
    box = sandbox_get(public_id=box.public_id)
    assert [(e["at_ms"], e["command"]["type"]) for e in box.command_log] == [
        (10, "crash_broker"), (25, "restart_broker")]
    assert box.now_ms == 30


def test_replacing_history_cuts_the_log():
    box = services.sandbox_create(session_key="s1", scenario="playground")
    services.sandbox_record_command(public_id=box.public_id, at_ms=5,
                                    command={"type": "crash_broker", "broker": 1}, now_ms=5)
    services.sandbox_replace_history(public_id=box.public_id, scenario="playground",
                                     command_log=[], now_ms=0)
    box = sandbox_get(public_id=box.public_id)
    assert box.command_log == [] and box.now_ms == 0


def test_stale_sandboxes_can_be_cleaned_up_and_fresh_ones_stay():
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    old = services.sandbox_create(session_key="s1", scenario="playground")
    fresh = services.sandbox_create(session_key="s2", scenario="playground")
    Sandbox.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=91))
    out = StringIO()
    call_command("sandbox_cleanup", "--days", "90", stdout=out)
    assert "Deleted 1 sandbox" in out.getvalue()
    assert list(Sandbox.objects.values_list("pk", flat=True)) == [fresh.pk]
