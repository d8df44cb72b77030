"""Django app config for learnkafka.lessons."""
from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "learnkafka.lessons"
    label = "lessons"
