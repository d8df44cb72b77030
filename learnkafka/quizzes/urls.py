"""URL routes of the quizzes app."""
from django.urls import path  # noqa: F401

app_name = "quizzes"
urlpatterns: list = []
