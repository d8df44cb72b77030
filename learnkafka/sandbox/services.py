"""Writes to stored sandboxes. The live side (recorder.py, node.py) calls these; so do views.

Every function takes plain data as keyword-only arguments (never a request)
and leaves the rows consistent: a command is only ever recorded after the
simulation accepted it, in one transaction with the clock, and only by the
process holding the sandbox's lease (`LeaseLost` otherwise), so a process that
lost its lease can never write over the new holder's history.
"""
import functools
import secrets
import time

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import Sandbox, SandboxCommand, SandboxMember
from .selectors import sandbox_count_for_owner, sandbox_latest_for_owner

# One learner may own this many sandboxes; beyond it, new ones are refused so a
# script cannot fill the database by connecting to made-up ids.
MAX_SANDBOXES_PER_SESSION = 50


class SandboxLimitReached(Exception):
    pass


class LeaseLost(Exception):
    """This process no longer holds the sandbox's lease: it must stop writing."""


def _new_seed() -> int:
    return secrets.randbelow(2**31)


def sandbox_create(
    *, owner_key: str, scenario: str, public_id: str | None = None, seed: int | None = None
) -> Sandbox:
    if sandbox_count_for_owner(owner_key=owner_key) >= MAX_SANDBOXES_PER_SESSION:
        raise SandboxLimitReached(owner_key)
    fields = {"owner_key": owner_key, "scenario": scenario,
              "seed": _new_seed() if seed is None else seed}
    if public_id:
        fields["public_id"] = public_id
    return Sandbox.objects.create(**fields)


def sandbox_for_learner(*, learner_key: str, scenario: str) -> Sandbox:
    """What a page embedding a live diagram calls: this learner's sandbox for
    `scenario`, created on first use (the learner key: core.learners.learner_key_for)."""
    existing = sandbox_latest_for_owner(owner_key=learner_key, scenario=scenario)
    return existing or sandbox_create(owner_key=learner_key, scenario=scenario)


# ---- the history, written by the lease holder only ---------------------------------


def _fenced(public_id: str, holder: str, epoch: int):
    return Sandbox.objects.filter(public_id=public_id, lease_holder=holder, lease_epoch=epoch)


def sandbox_append_command(*, public_id: str, holder: str, epoch: int, position: int,
                           at_ms: int, fired: int | None, command: dict) -> None:
    """Append one accepted command at `position`, moving the clock to it, in one
    transaction. A second writer (lost lease, or a position already taken)
    raises LeaseLost and stores nothing. (The journal stores many at once with
    sandbox_record; this is that, for one.)"""
    _record_one({"kind": "append", "public_id": public_id, "holder": holder, "epoch": epoch,
                 "position": position, "at_ms": at_ms, "fired": fired, "command": command})


def _record_one(write: dict) -> None:
    try:
        with transaction.atomic():
            (held,) = sandbox_record(writes=[write])
    except IntegrityError as err:
        raise LeaseLost(write["public_id"]) from err
    if not held:
        raise LeaseLost(write["public_id"])


# The rows of sandbox_record's INSERT: one executemany of our own, because
# bulk_create's model instances and SQL compiler were half of a group commit's
# CPU on the recorder's thread, which shares the GIL with the event loop.
_COMMAND_FIELDS = ("sandbox", "position", "at_ms", "fired", "command", "created_at")


@functools.cache
def _insert_command_sql() -> str:
    """Built once per process (one database backend a process)."""
    qn = connection.ops.quote_name
    columns = ", ".join(qn(SandboxCommand._meta.get_field(name).column)
                        for name in _COMMAND_FIELDS)
    return (f"INSERT INTO {qn(SandboxCommand._meta.db_table)} ({columns}) "
            f"VALUES ({', '.join(['%s'] * len(_COMMAND_FIELDS))})")


def sandbox_record(*, writes: list[dict]) -> list[bool]:
    """Store a run of command appends and clock saves, of any simulations, in
    three statements whatever their number (the recorder's group commit):
    each write is {"kind": "append" | "clock", "public_id", "holder", "epoch",
    ...the fields of sandbox_append_command or sandbox_save_clock}. Returns,
    for each write, whether its lease still held (a write whose lease did not
    is not stored, as LeaseLost would say). A taken position raises
    IntegrityError and stores nothing.

    Fenced as the one-row functions are: the sandboxes' rows are locked
    (SELECT ... FOR UPDATE; on SQLite the IMMEDIATE transaction holds the
    write lock) before their leases are read, so no other process can take a
    lease between the check and the writes. The clocks are one UPDATE with a
    CASE per column, in SQL of our own: Django's Case/When cost ~0.6 ms of CPU
    a row to build, and one statement per row costs a GIL hand-over each on
    the writer thread (recorder.py)."""
    qn = connection.ops.quote_name
    table = qn(Sandbox._meta.db_table)
    with transaction.atomic(savepoint=False):
        wanted = sorted({w["public_id"] for w in writes})
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT public_id, id, lease_holder, lease_epoch FROM {table} "
                f"WHERE public_id IN ({', '.join(['%s'] * len(wanted))}){lock}", wanted)
            rows = {public_id: (pk, holder, epoch) for public_id, pk, holder, epoch in cursor}
        held = [rows.get(w["public_id"], (None,))[1:] == (w["holder"], w["epoch"])
                for w in writes]
        commands, clocks = [], {}
        json_field = SandboxCommand._meta.get_field("command")
        created_at = SandboxCommand._meta.get_field("created_at").get_db_prep_save(
            timezone.now(), connection)
        for write, ok in zip(writes, held, strict=True):
            if not ok:
                continue
            pk = rows[write["public_id"]][0]
            clock = clocks.setdefault(pk, {})
            if write["kind"] == "append":
                commands.append((pk, write["position"], write["at_ms"], write["fired"],
                                 json_field.get_db_prep_save(write["command"], connection),
                                 created_at))
                clock.update(now_ms=write["at_ms"], fired=write["fired"])
            else:
                clock["now_ms"], clock["fired"] = write["now_ms"], write["fired"]
                clock["speed"], clock["playing"] = write["speed"], write["playing"]
        if commands:
            with connection.cursor() as cursor:
                cursor.executemany(_insert_command_sql(), commands)
        if clocks:
            sets, params = [], []
            for name in ("now_ms", "fired", "speed", "playing"):
                pairs = [(pk, clock[name]) for pk, clock in clocks.items() if name in clock]
                if pairs:
                    column = qn(name)
                    sets.append(f"{column} = CASE {qn('id')} "
                                f"{' '.join(['WHEN %s THEN %s'] * len(pairs))} "
                                f"ELSE {column} END")
                    params += [value for pair in pairs for value in pair]
            with connection.cursor() as cursor:
                cursor.execute(f"UPDATE {table} SET {', '.join(sets)} WHERE {qn('id')} IN "
                               f"({', '.join(['%s'] * len(clocks))})", params + list(clocks))
    return held


def sandbox_save_clock(*, public_id: str, holder: str, epoch: int, now_ms: int,
                       fired: int | None, speed: float, playing: bool) -> None:
    """Store the clock (raises LeaseLost without the lease)."""
    _record_one({"kind": "clock", "public_id": public_id, "holder": holder, "epoch": epoch,
                 "now_ms": now_ms, "fired": fired, "speed": speed, "playing": playing})


def sandbox_replace_history(*, public_id: str, holder: str, epoch: int, scenario: str,
                            keep: int, now_ms: int, fired: int | None) -> None:
    """Rewind keeps the first `keep` commands; reset and load_scenario keep none."""
    with transaction.atomic():
        if not _fenced(public_id, holder, epoch).update(
                scenario=scenario, now_ms=now_ms, fired=fired):
            raise LeaseLost(public_id)
        SandboxCommand.objects.filter(sandbox__public_id=public_id, position__gte=keep).delete()


def sandbox_archive_history(*, public_id: str, error: str) -> Sandbox:
    """A history this simulator cannot rebuild: move it, untouched, to an archived
    row (for an operator to look at; never rebuilt again) and start the sandbox
    over at time 0 with the same scenario and seed."""
    with transaction.atomic():
        box = Sandbox.objects.select_for_update().get(public_id=public_id)
        archive = Sandbox.objects.create(
            owner_key=box.owner_key, scenario=box.scenario, seed=box.seed, now_ms=box.now_ms,
            fired=box.fired, speed=box.speed, playing=False, archived=True,
            rebuild_error=error[:2000])
        SandboxCommand.objects.filter(sandbox=box).update(sandbox=archive)
        Sandbox.objects.filter(pk=box.pk).update(now_ms=0, fired=None, playing=True)
    box.refresh_from_db()
    return box


# ---- the lease: one process runs (and writes) a simulation at a time ---------------


def lease_take(*, public_id: str, holder: str, lease_s: float) -> int | None:
    """Take the lease if it is free, expired or already ours; returns its epoch
    (one more than the last holder's when it changes hands), else None."""
    from django.db.models import F, Q

    now = time.time()
    free = Q(lease_holder="") | Q(lease_until__lt=now)
    with transaction.atomic():
        mine = Sandbox.objects.filter(public_id=public_id, lease_holder=holder).update(
            lease_until=now + lease_s)
        if not mine:
            taken = Sandbox.objects.filter(free, public_id=public_id).update(
                lease_holder=holder, lease_until=now + lease_s, lease_epoch=F("lease_epoch") + 1)
            if not taken:
                return None
        return Sandbox.objects.filter(public_id=public_id).values_list(
            "lease_epoch", flat=True).get()


def lease_renew_all(*, holder: str, epochs: dict[str, int], lease_s: float) -> set[str]:
    """Renew every lease `holder` holds among `epochs` ({public_id: epoch}) in one
    statement; returns the public ids still held at those epochs. One UPDATE per
    simulation each second was 200 writes a second on a full process."""
    if not epochs:
        return set()
    with transaction.atomic():
        mine = Sandbox.objects.filter(lease_holder=holder, public_id__in=list(epochs))
        mine.update(lease_until=time.time() + lease_s)
        return {public_id for public_id, epoch in mine.values_list("public_id", "lease_epoch")
                if epochs[public_id] == epoch}


def lease_release(*, public_id: str, holder: str, epoch: int) -> None:
    _fenced(public_id, holder, epoch).update(lease_holder="", lease_until=0.0)


# ---- who may watch and drive ------------------------------------------------------


def member_set_role(*, public_id: str, learner_key: str, role: str | None) -> None:
    """Grant `role` ("viewer" or "driver") to a learner, or revoke it (None)."""
    box = Sandbox.objects.get(public_id=public_id)
    if role is None:
        SandboxMember.objects.filter(sandbox=box, learner_key=learner_key).delete()
    else:
        SandboxMember.objects.update_or_create(
            sandbox=box, learner_key=learner_key, defaults={"role": role})


def sandbox_set_shared(*, public_id: str, shared: bool) -> None:
    Sandbox.objects.filter(public_id=public_id).update(shared=shared)


def sandbox_delete_stale(*, older_than_days: int) -> int:
    """Delete sandboxes untouched for `older_than_days` days; returns how many."""
    from datetime import timedelta

    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = Sandbox.objects.filter(updated_at__lt=cutoff).delete()
    return deleted


def sandbox_fork(*, public_id: str, owner_key: str) -> Sandbox:
    """A private copy of a sandbox as last stored (its history and clock; the
    clock is saved every second while playing): the classroom's "break away"."""
    with transaction.atomic():
        source = Sandbox.objects.get(public_id=public_id)
        copy = sandbox_create(owner_key=owner_key, scenario=source.scenario, seed=source.seed)
        Sandbox.objects.filter(pk=copy.pk).update(
            now_ms=source.now_ms, fired=source.fired, speed=source.speed, playing=source.playing)
        SandboxCommand.objects.bulk_create(
            SandboxCommand(sandbox=copy, position=c.position, at_ms=c.at_ms, fired=c.fired,
                           command=c.command)
            for c in SandboxCommand.objects.filter(sandbox=source).order_by("position"))
    copy.refresh_from_db()
    return copy


def sandbox_delete(*, public_id: str) -> None:
    Sandbox.objects.filter(public_id=public_id).delete()
