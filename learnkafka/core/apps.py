"""Django app config for learnkafka.core."""
from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "learnkafka.core"
    label = "core"

    def ready(self) -> None:
        from .component_warmup import warm_component_templates

        warm_component_templates()  # before any request: see component_warmup.py
