"""URL routes: each app owns its own urls module."""
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("django_components.urls")),
    path("", include("learnkafka.core.urls")),
    path("", include("learnkafka.sandbox.urls")),
    path("lessons/", include("learnkafka.lessons.urls")),
    path("quizzes/", include("learnkafka.quizzes.urls")),
    path("payrace/", include("learnkafka.payrace.urls")),
    path("interview/", include("learnkafka.interview.urls")),
    path("admin/", admin.site.urls),
    path("", include("learnkafka.classroom.urls")),
]
