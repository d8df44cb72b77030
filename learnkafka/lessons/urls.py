"""URL routes of the lessons app."""
from django.urls import path  # noqa: F401

app_name = "lessons"
urlpatterns: list = []
