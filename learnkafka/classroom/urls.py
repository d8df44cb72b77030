"""URL routes of the classroom: /classroom/ for instructors, /join/ and /r/<code>/ for students."""
from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "classroom"
urlpatterns = [
    path("classroom/login/", auth_views.LoginView.as_view(
        template_name="classroom/login.html"), name="login"),
    path("classroom/logout/", auth_views.LogoutView.as_view(next_page="classroom:login"),
         name="logout"),
    path("classroom/", views.home, name="home"),
    path("classroom/new/", views.room_create, name="create"),
    path("classroom/<str:code>/", views.room_detail, name="room"),
    path("classroom/<str:code>/qr.svg", views.room_qr, name="qr"),
    path("classroom/<str:code>/state/", views.room_state, name="state"),
    path("classroom/<str:code>/present/", views.presenter, name="presenter"),
    path("classroom/<str:code>/goto/", views.room_goto, name="goto"),
    path("classroom/<str:code>/poll/", views.poll_push, name="poll"),
    path("classroom/<str:code>/reveal/", views.poll_reveal, name="reveal"),
    path("classroom/<str:code>/leaderboard/", views.room_leaderboard, name="leaderboard"),
    path("classroom/<str:code>/notes/", views.room_notes, name="notes"),
    path("classroom/<str:code>/dashboard/", views.dashboard, name="dashboard"),
    path("classroom/<str:code>/results.csv", views.dashboard_csv, name="csv"),
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.join, name="join_code"),
    path("r/<str:code>/", views.student_room, name="student"),
    path("r/<str:code>/step/", views.student_step, name="student_step"),
    path("r/<str:code>/answer/", views.answer, name="answer"),
    path("r/<str:code>/break-away/", views.break_away, name="break_away"),
    path("r/<str:code>/own/", views.own, name="own"),
]
