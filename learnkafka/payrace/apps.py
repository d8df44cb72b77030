"""App config of the real-database payment race."""
from django.apps import AppConfig


class PayraceConfig(AppConfig):
    name = "learnkafka.payrace"
    label = "payrace"
    verbose_name = "Payment race on a real database"
    default_auto_field = "django.db.models.BigAutoField"
