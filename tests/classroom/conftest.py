"""Fixtures of the classroom tests: an instructor (logged in), a room, students."""
import pytest
from django.core.management import call_command
from django.test import Client

from learnkafka.classroom import services
from learnkafka.classroom.models import Room


@pytest.fixture
def instructor(db, monkeypatch):
    monkeypatch.setenv("LK_TEST_PW", "correct horse battery")
    call_command("createinstructor", "ada", "--password-env", "LK_TEST_PW")
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="ada")


@pytest.fixture
def teacher(instructor):
    """A browser logged in as the instructor."""
    client = Client()
    assert client.login(username="ada", password="correct horse battery")
    return client


@pytest.fixture
def room(instructor) -> Room:
    room = services.room_create(instructor=instructor, lesson_slug="kafka-basics")
    services.room_set_state(room=room, state=Room.LIVE)
    return room


def join(room, name: str) -> Client:
    """A new browser that joins `room` as `name`."""
    client = Client()
    response = client.post("/join/", {"code": room.code, "name": name})
    assert response.status_code == 302, response.content
    return client
