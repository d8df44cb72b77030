"""URL routes of the lessons app: /lessons/, /lessons/<lesson>/, /lessons/<lesson>/<step>/,
and the debugging lesson's symptom table, labs and mystery levels."""
from django.urls import path

from . import debug_views, views

app_name = "lessons"
urlpatterns = [
    path("", views.lesson_list, name="list"),
    # The debugging lesson's own pages (before the generic <lesson>/<step> routes).
    path("debug-consumer/symptoms/", debug_views.symptom_table, name="debug_symptoms"),
    path("debug-consumer/lab/<slug:symptom_id>/", debug_views.symptom_lab, name="debug_lab"),
    path("debug-consumer/levels/", debug_views.level_list, name="debug_levels"),
    path("debug-consumer/levels/<slug:level_id>/", debug_views.level_page, name="debug_level"),
    path("debug-consumer/levels/<slug:level_id>/check/", debug_views.level_check,
         name="debug_level_check"),
    path("debug-consumer/levels/<slug:level_id>/hint/", debug_views.level_hint,
         name="debug_level_hint"),
    path("debug-consumer/levels/<slug:level_id>/solution/", debug_views.level_solution,
         name="debug_level_solution"),
    path("<slug:lesson_slug>/", views.lesson_overview, name="overview"),
    path("<slug:lesson_slug>/resume/", views.lesson_resume, name="resume"),
    path("<slug:lesson_slug>/<slug:step_slug>/", views.lesson_step, name="step"),
    path("<slug:lesson_slug>/<slug:step_slug>/tried/", views.step_tried, name="tried"),
]
