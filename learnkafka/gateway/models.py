"""A sandbox's connect token: the SASL/PLAIN username that names its simulation.

One per sandbox, random (144 bits), shown only to its owner and drivers. It
resolves that one sandbox and nothing else, so a client holding it reaches
only that learner's simulation (the gateway never takes a sandbox id from the
wire).
"""
import secrets

from django.db import models

from learnkafka.sandbox.models import Sandbox

TOKEN_BYTES = 18


def new_token() -> str:
    return "lk-" + secrets.token_urlsafe(TOKEN_BYTES)


class ConnectToken(models.Model):
    sandbox = models.OneToOneField(Sandbox, on_delete=models.CASCADE,
                                   related_name="connect_token")
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"connect token of {self.sandbox.public_id}"
