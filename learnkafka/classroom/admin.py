"""The admin: instructors (Django users) and their rooms, rosters, polls and answers."""
from django.contrib import admin

from .models import Answer, Poll, Room, Student


class StudentInline(admin.TabularInline):
    model = Student
    fields = ("name", "joined_at")
    readonly_fields = ("joined_at",)
    extra = 0


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "instructor", "state", "created_at")
    list_filter = ("state",)
    search_fields = ("code", "title", "instructor__username")
    inlines = [StudentInline]


@admin.register(Poll)
class PollAdmin(admin.ModelAdmin):
    list_display = ("room", "number", "kind", "state", "prompt")


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    list_display = ("poll", "student", "choice", "answered_at")
