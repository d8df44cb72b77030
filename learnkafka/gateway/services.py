"""Connect tokens: issue one for a sandbox, resolve one to its sandbox."""
from __future__ import annotations

from learnkafka.sandbox.models import Sandbox

from .models import ConnectToken


def token_for(*, public_id: str) -> str:
    """This sandbox's connect token (made on first use)."""
    sandbox = Sandbox.objects.get(public_id=public_id)
    row, _ = ConnectToken.objects.get_or_create(sandbox=sandbox)
    return row.token


def sandbox_for_token(*, token: str) -> Sandbox | None:
    """The one live (not archived) sandbox this token names, or None."""
    if not isinstance(token, str) or not 8 <= len(token) <= 64:
        return None
    row = (ConnectToken.objects.select_related("sandbox")
           .filter(token=token, sandbox__archived=False).first())
    return row.sandbox if row else None
