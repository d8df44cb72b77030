"""Django app config for learnkafka.core."""
from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "learnkafka.core"
    label = "core"
