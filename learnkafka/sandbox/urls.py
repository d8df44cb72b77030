"""URL routes of the sandbox app."""
from django.urls import path

from . import views

app_name = "sandbox"
urlpatterns = [path("playground/", views.playground, name="playground")]
