"""Django app config for learnkafka.gateway: starts the listener inside Daphne."""
from django.apps import AppConfig


class GatewayConfig(AppConfig):
    name = "learnkafka.gateway"
    label = "gateway"
