"""Append-only history, owners by learner key, members, the clock's `fired`, a lease.

Existing JSON command logs become one SandboxCommand row per entry (in order),
and each sandbox's owner becomes the learner key kept in its owner's session
(created there if the session had none yet, so the learner keeps the sandbox).
"""
import secrets

import django.db.models.deletion
from django.db import migrations, models


def _learner_key_of_session(Session, session_key, cache):
    if session_key in cache:
        return cache[session_key]
    from django.contrib.sessions.backends.db import SessionStore

    key = None
    if Session.objects.filter(session_key=session_key).exists():
        store = SessionStore(session_key=session_key)
        key = store.get("learner_key")
        if not isinstance(key, str) or not key:
            key = secrets.token_hex(16)
            store["learner_key"] = key
            store.save()
    # A session that is gone: nobody can present it again; keep it unguessable.
    cache[session_key] = key or "gone-" + secrets.token_hex(16)
    return cache[session_key]


def forwards(apps, schema_editor):
    Sandbox = apps.get_model("sandbox", "Sandbox")
    SandboxCommand = apps.get_model("sandbox", "SandboxCommand")
    Session = apps.get_model("sessions", "Session")
    cache = {}
    for box in Sandbox.objects.all().iterator():
        box.owner_key = _learner_key_of_session(Session, box.owner_session_key, cache)
        box.save(update_fields=["owner_key"])
        SandboxCommand.objects.bulk_create(
            SandboxCommand(sandbox_id=box.pk, position=i, at_ms=int(entry["at_ms"]),
                           fired=entry.get("fired"), command=entry["command"])
            for i, entry in enumerate(box.command_log or []))


def backwards(apps, schema_editor):
    Sandbox = apps.get_model("sandbox", "Sandbox")
    SandboxCommand = apps.get_model("sandbox", "SandboxCommand")
    for box in Sandbox.objects.all().iterator():
        box.command_log = [{"at_ms": c.at_ms, "command": c.command}
                           for c in SandboxCommand.objects.filter(sandbox_id=box.pk)
                           .order_by("position")]
        box.owner_session_key = box.owner_key
        box.save(update_fields=["command_log", "owner_session_key"])


class Migration(migrations.Migration):

    dependencies = [
        ("sandbox", "0001_initial"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(model_name="sandbox", name="owner_key",
                            field=models.CharField(db_index=True, default="", max_length=64),
                            preserve_default=False),
        migrations.AddField(model_name="sandbox", name="fired",
                            field=models.BigIntegerField(blank=True, null=True)),
        migrations.AddField(model_name="sandbox", name="shared",
                            field=models.BooleanField(default=False)),
        migrations.AddField(model_name="sandbox", name="archived",
                            field=models.BooleanField(default=False)),
        migrations.AddField(model_name="sandbox", name="rebuild_error",
                            field=models.TextField(blank=True, default="")),
        migrations.AddField(model_name="sandbox", name="lease_holder",
                            field=models.CharField(blank=True, default="", max_length=200)),
        migrations.AddField(model_name="sandbox", name="lease_until",
                            field=models.FloatField(default=0.0)),
        migrations.AddField(model_name="sandbox", name="lease_epoch",
                            field=models.IntegerField(default=0)),
        migrations.CreateModel(
            name="SandboxCommand",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.IntegerField()),
                ("at_ms", models.BigIntegerField()),
                ("fired", models.BigIntegerField(blank=True, null=True)),
                ("command", models.JSONField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("sandbox", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="commands", to="sandbox.sandbox")),
            ],
            options={"ordering": ["position"]},
        ),
        migrations.AddConstraint(
            model_name="sandboxcommand",
            constraint=models.UniqueConstraint(fields=("sandbox", "position"), name="sandbox_command_position_unique"),
        ),
        migrations.CreateModel(
            name="SandboxMember",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("learner_key", models.CharField(max_length=64)),
                ("role", models.CharField(choices=[("viewer", "viewer"), ("driver", "driver")], max_length=8)),
                ("sandbox", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="members", to="sandbox.sandbox")),
            ],
        ),
        migrations.AddConstraint(
            model_name="sandboxmember",
            constraint=models.UniqueConstraint(fields=("sandbox", "learner_key"), name="sandbox_member_unique"),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveIndex(model_name="sandbox", name="sandbox_san_owner_s_add81a_idx"),
        migrations.RemoveField(model_name="sandbox", name="owner_session_key"),
        migrations.RemoveField(model_name="sandbox", name="command_log"),
        migrations.AddIndex(
            model_name="sandbox",
            index=models.Index(fields=["owner_key", "scenario"], name="sandbox_san_owner_k_8e3ecc_idx"),
        ),
    ]
