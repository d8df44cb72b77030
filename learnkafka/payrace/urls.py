"""URL routes of the payment race: /payrace/ and /payrace/run/."""
from django.urls import path

from . import views

app_name = "payrace"
urlpatterns = [
    path("", views.race_page, name="page"),
    path("run/", views.race_run, name="run"),
]
