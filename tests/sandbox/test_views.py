"""The playground page: gives a newcomer a session and their own sandbox, keeps it."""
import pytest

from learnkafka.sandbox.models import Sandbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client):
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    return client


def test_first_visit_sets_a_session_and_creates_one_sandbox(client):
    response = client.get("/playground/")
    assert response.status_code == 200
    assert "sessionid" in response.cookies
    box = Sandbox.objects.get()
    assert box.owner_key == client.session["learner_key"]
    html = response.content.decode()
    assert f'data-live-sandbox="/ws/sandbox/{box.public_id}/"' in html
    assert 'data-diagram="cluster"' in html


def test_coming_back_finds_the_same_sandbox(client):
    client.get("/playground/")
    client.get("/playground/")
    assert Sandbox.objects.count() == 1


def test_two_visitors_get_two_sandboxes(client):
    from django.test import Client

    client.get("/playground/")
    Client(HTTP_HOST="127.0.0.1").get("/playground/")
    assert Sandbox.objects.count() == 2
    assert Sandbox.objects.values("owner_key").distinct().count() == 2


def test_the_playground_has_no_inline_script(client):
    html = client.get("/playground/").content.decode()
    import re

    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
