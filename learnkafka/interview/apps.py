"""Django app config for learnkafka.interview."""

from django.apps import AppConfig


class InterviewConfig(AppConfig):
    name = "learnkafka.interview"
    label = "interview"
