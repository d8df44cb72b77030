"""Django app config for learnkafka.sandbox."""
from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "learnkafka.sandbox"
    label = "sandbox"
