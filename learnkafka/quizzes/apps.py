"""Django app config for learnkafka.quizzes."""

from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "learnkafka.quizzes"
    label = "quizzes"
