"""URL routes of the lessons app: /lessons/, /lessons/<lesson>/, /lessons/<lesson>/<step>/."""
from django.urls import path

from . import views

app_name = "lessons"
urlpatterns = [
    path("", views.lesson_list, name="list"),
    path("<slug:lesson_slug>/", views.lesson_overview, name="overview"),
    path("<slug:lesson_slug>/resume/", views.lesson_resume, name="resume"),
    path("<slug:lesson_slug>/<slug:step_slug>/", views.lesson_step, name="step"),
    path("<slug:lesson_slug>/<slug:step_slug>/tried/", views.step_tried, name="tried"),
]
