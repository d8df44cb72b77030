"""Django app config for learnkafka.classroom."""
from django.apps import AppConfig


class ClassroomConfig(AppConfig):
    name = "learnkafka.classroom"
    label = "classroom"
    verbose_name = "Classroom"
