"""URL routes of the quizzes app (included at /quizzes/).

/quizzes/                      every bank with the learner's progress
/quizzes/<bank>/               one bank: sections, questions, score
/quizzes/<bank>/restart/       POST: start a new attempt
/quizzes/<bank>/<question>/    GET the question (or its feedback), POST an answer
"""

from django.urls import path

from . import views

app_name = "quizzes"
urlpatterns = [
    path("", views.quiz_index, name="index"),
    path("<slug:bank_slug>/", views.bank_detail, name="bank"),
    path("<slug:bank_slug>/restart/", views.bank_restart, name="restart"),
    path("<slug:bank_slug>/<slug:question_id>/", views.question_detail, name="question"),
]
