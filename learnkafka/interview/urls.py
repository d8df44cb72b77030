"""URL routes of the interview app (included at /interview/).

/interview/                         start a mock; past attempts and the progress chart
/interview/start/                   POST: open a mock interview
/interview/<id>/                    the current phase (the clock applied first)
/interview/<id>/answer/             POST: answer the current phase
/interview/<id>/continue/           POST: move past an answered phase
/interview/<id>/result/             scores per dimension, weak points, printable
/interview/pair/<token>/            the interviewer's view, by the secret link
"""

from django.urls import path

from . import views

app_name = "interview"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("pair/<str:token>/", views.pair, name="pair"),
    path("<uuid:public_id>/", views.mock, name="mock"),
    path("<uuid:public_id>/answer/", views.answer, name="answer"),
    path("<uuid:public_id>/continue/", views.advance, name="continue"),
    path("<uuid:public_id>/result/", views.result, name="result"),
]
