"""The classroom's pages and actions, through Django's test client."""
import json

import pytest

from learnkafka.classroom import selectors, services
from learnkafka.classroom.models import CODE_ALPHABET, Answer, Poll, Room, Student
from learnkafka.sandbox.models import SandboxMember
from tests.classroom.conftest import join

pytestmark = pytest.mark.django_db


def test_instructor_pages_need_a_login(room, client):
    for url in ("/classroom/", f"/classroom/{room.code}/", f"/classroom/{room.code}/present/",
                f"/classroom/{room.code}/dashboard/", f"/classroom/{room.code}/results.csv",
                f"/classroom/{room.code}/qr.svg"):
        response = client.get(url)
        assert response.status_code == 302 and "/classroom/login/" in response["Location"], url


def test_an_instructor_logs_in_creates_a_room_and_logs_out(instructor, client):
    page = client.get("/classroom/login/")
    assert b"csrfmiddlewaretoken" in page.content
    response = client.post("/classroom/login/", {"username": "ada",
                                                 "password": "correct horse battery"})
    assert response.status_code == 302
    home = client.get("/classroom/")
    assert b"Open a new room" in home.content and b"csrfmiddlewaretoken" in home.content
    response = client.post("/classroom/new/", {"lesson": ""})
    room = Room.objects.get(instructor=instructor)
    assert response["Location"] == f"/classroom/{room.code}/"
    assert room.state == Room.LOBBY and room.title == "Playground"
    assert len(room.code) == 6 and set(room.code) <= set(CODE_ALPHABET)
    lobby = client.get(f"/classroom/{room.code}/")
    assert room.code.encode() in lobby.content and f"/join/{room.code}/".encode() in lobby.content
    qr = client.get(f"/classroom/{room.code}/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml"
    assert b'<svg xmlns="http://www.w3.org/2000/svg"' in qr.content  # an image needs it
    client.post("/classroom/logout/")
    assert client.get("/classroom/").status_code == 302


def test_csrf_is_enforced_on_instructor_forms(room):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.login(username="ada", password="correct horse battery")
    assert strict.post(f"/classroom/{room.code}/state/", {"state": "ended"}).status_code == 403
    room.refresh_from_db()
    assert room.state == Room.LIVE


def test_another_instructor_cannot_open_my_room(room, db, monkeypatch):
    from django.core.management import call_command
    from django.test import Client

    monkeypatch.setenv("PW2", "another secret pw")
    call_command("createinstructor", "bob", "--password-env", "PW2")
    bob = Client()
    bob.login(username="bob", password="another secret pw")
    assert bob.get(f"/classroom/{room.code}/present/").status_code == 404
    assert bob.post(f"/classroom/{room.code}/state/", {"state": "ended"}).status_code == 404


def test_createinstructor_resets_a_password(instructor, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("NEWPW", "a brand new password")
    call_command("createinstructor", "ada", "--reset-password", "--password-env", "NEWPW")
    instructor.refresh_from_db()
    assert instructor.check_password("a brand new password")


def test_a_student_joins_with_code_and_name_and_rejoins_as_the_same_student(room):
    student = join(room, "Grace")
    page = student.get(f"/r/{room.code}/")
    assert page.status_code == 200 and b"Grace" in page.content
    # Reload, a new visit to the join link: the same student, nothing to type.
    assert student.get(f"/join/{room.code}/")["Location"] == f"/r/{room.code}/"
    student.post("/join/", {"code": room.code, "name": "Someone else"})
    assert list(room.students.values_list("name", flat=True)) == ["Grace"]
    row = Student.objects.get(room=room)
    assert SandboxMember.objects.get(learner_key=row.learner_key).role == "viewer"


def test_a_name_is_text_never_markup(room):
    student = join(room, "<script>alert(1)</script>")
    page = student.get(f"/r/{room.code}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_two_students_cannot_share_a_name(room):
    join(room, "Alan")
    from django.test import Client

    other = Client()
    response = other.post("/join/", {"code": room.code, "name": "Alan"})
    assert response.status_code == 400 and b"already has that name" in response.content


def test_wrong_join_codes_are_rate_limited(room):
    from django.test import Client

    guesser = Client()
    for _ in range(services.MAX_WRONG_CODES):
        assert guesser.post("/join/", {"code": "AAAAAA", "name": "x"}).status_code == 404
    # Now even the right code is refused from this address for a while.
    response = guesser.post("/join/", {"code": room.code, "name": "x"})
    assert response.status_code == 429
    assert not room.students.exists()


def test_a_poll_round_trip_answers_hidden_until_the_reveal(room, teacher):
    alice, bob = join(room, "Alice"), join(room, "Bob")
    response = teacher.post(f"/classroom/{room.code}/poll/",
                            {"kind": "bank", "ref": "kafka-basics/what-is-kafka"},
                            HTTP_ACCEPT="application/json")
    poll = Poll.objects.get(pk=response.json()["poll"])
    sent = alice.post(f"/r/{room.code}/answer/", {"poll": poll.id, "choice": "log"})
    assert sent.status_code == 302
    bob.post(f"/r/{room.code}/answer/", {"poll": poll.id, "choice": "queue"})
    public = selectors.public_state(room)
    assert "correct" not in public["poll"] and "counts" not in public["poll"]
    presenter = selectors.presenter_state(room)
    assert presenter["tally"]["counts"]["log"] == 1 and presenter["tally"]["counts"]["queue"] == 1
    teacher.post(f"/classroom/{room.code}/reveal/", {"poll": poll.id})
    public = selectors.public_state(room)
    assert public["poll"]["correct"] == "log" and public["poll"]["counts"]["log"] == 1
    assert public["leaderboard"] == [{"name": "Alice", "score": 100}]
    # Answers after the reveal are refused.
    late = alice.post(f"/r/{room.code}/answer/", {"poll": poll.id, "choice": "db"},
                      HTTP_ACCEPT="application/json")
    assert late.status_code == 409
    assert Answer.objects.get(poll=poll, student__name="Alice").choice == "log"
    # The leaderboard can be switched off.
    teacher.post(f"/classroom/{room.code}/leaderboard/", {"on": "0"})
    room.refresh_from_db()
    assert selectors.public_state(room)["leaderboard"] is None


def test_a_prediction_poll_gets_its_right_answer_at_the_reveal(room, teacher):
    carol = join(room, "Carol")
    response = teacher.post(f"/classroom/{room.code}/poll/", {
        "kind": "predict", "prompt": "I crash broker 1: what does acks=all get?",
        "choice": ["An error", "Success after a new leader", ""],
        "then": json.dumps([{"type": "crash_broker", "broker": 1}])},
        HTTP_ACCEPT="application/json")
    poll = Poll.objects.get(pk=response.json()["poll"])
    assert [c["id"] for c in poll.choices] == ["a", "b"]
    carol.post(f"/r/{room.code}/answer/", {"poll": poll.id, "choice": "b"})
    reveal = teacher.post(f"/classroom/{room.code}/reveal/", {"poll": poll.id, "correct": "b"},
                          HTTP_ACCEPT="application/json")
    assert reveal.json()["then"] == [{"type": "crash_broker", "broker": 1}]
    assert selectors.student_state(Student.objects.get(name="Carol"))["score"] == 100


def test_the_dashboard_and_csv_show_every_answer(room, teacher):
    dan = join(room, "=Dan")
    poll = services.poll_push_bank(room=room, ref="kafka-basics/what-is-kafka")
    dan.post(f"/r/{room.code}/answer/", {"poll": poll.id, "choice": "log"})
    services.poll_reveal(room=room, poll_id=poll.id)
    page = teacher.get(f"/classroom/{room.code}/dashboard/").content.decode()
    assert "=Dan" in page and "log ✓" in page and 'data-choice-count="log:1"' in page
    csv_text = teacher.get(f"/classroom/{room.code}/results.csv").content.decode()
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("student,score,Q1:")
    assert lines[1] == "'=Dan,100,log (right)"  # a formula-looking name is quoted as text


def test_break_away_forks_the_room_simulation_into_a_private_sandbox(room):
    from learnkafka.sandbox.models import Sandbox, SandboxCommand

    room_box = Sandbox.objects.get(public_id=room.sandbox_id)
    SandboxCommand.objects.create(sandbox=room_box, position=0, at_ms=500, fired=0, command={
        "type": "crash_broker", "broker": 1})
    Sandbox.objects.filter(pk=room_box.pk).update(now_ms=1200, fired=3)
    eve = join(room, "Eve")
    response = eve.post(f"/r/{room.code}/break-away/")
    assert response["Location"] == f"/r/{room.code}/own/"
    student = Student.objects.get(name="Eve")
    fork = Sandbox.objects.get(public_id=student.fork_id)
    assert fork.owner_key == student.learner_key and fork.scenario == room_box.scenario
    assert (fork.now_ms, fork.fired, fork.seed) == (1200, 3, room_box.seed)
    assert [c.command for c in fork.commands.all()] == [{"type": "crash_broker", "broker": 1}]
    page = eve.get(f"/r/{room.code}/own/").content.decode()
    assert fork.public_id in page and f'href="/r/{room.code}/"' in page
    # Breaking away again replaces the old copy.
    eve.post(f"/r/{room.code}/break-away/")
    assert not Sandbox.objects.filter(public_id=fork.public_id).exists()


def test_an_ended_room_accepts_no_answers(room, teacher):
    fay = join(room, "Fay")
    poll = services.poll_push_bank(room=room, ref="kafka-basics/what-is-kafka")
    teacher.post(f"/classroom/{room.code}/state/", {"state": "ended"})
    response = fay.post(f"/r/{room.code}/answer/", {"poll": poll.id, "choice": "log"},
                        HTTP_ACCEPT="application/json")
    assert response.status_code == 409 and response.json()["code"] == "room_ended"
    assert not Answer.objects.exists()


def test_bank_questions_are_pushed_as_plain_text(room):
    poll = services.poll_push_bank(room=room, ref="kafka-basics/what-is-kafka")
    assert "**" not in poll.explanation and "durable, append-only log" in poll.explanation
    assert all("<" not in c["text"] for c in poll.choices)


def test_a_student_cannot_answer_for_another_or_read_the_results(room):
    alice, bob = join(room, "Alice"), join(room, "Bob")
    poll = services.poll_push_bank(room=room, ref="kafka-basics/what-is-kafka")
    alice_id = Student.objects.get(name="Alice").id
    # Bob names Alice in every way a form could: the answer is still Bob's own.
    response = bob.post(f"/r/{room.code}/answer/", {"poll": poll.id, "choice": "log",
                                                    "student": alice_id, "student_id": alice_id,
                                                    "name": "Alice"},
                        HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["name"] == "Bob"
    assert list(Answer.objects.values_list("student__name", flat=True)) == ["Bob"]
    # Nor can a student reach the instructor's views of the answers.
    for url in (f"/classroom/{room.code}/dashboard/", f"/classroom/{room.code}/results.csv",
                f"/classroom/{room.code}/present/"):
        assert alice.get(url).status_code == 302
    assert alice.post(f"/classroom/{room.code}/reveal/", {"poll": poll.id}).status_code == 302
    poll.refresh_from_db()
    assert poll.state == Poll.OPEN


def test_the_current_step_fragment_is_for_the_rooms_students_only(room, client):
    """A page that missed a step's push fetches the room's current step (the same
    cached fragment the socket sends); a stranger gets nothing."""
    alice = join(room, "Alice")
    first = alice.get(f"/r/{room.code}/step/")
    assert first.status_code == 200
    assert b'data-step="0"' in first.content and b'data-diagram="cluster"' in first.content
    services.room_set_step(room=room, index=1)
    moved = alice.get(f"/r/{room.code}/step/").content.decode()
    assert 'data-step="1"' in moved and 'data-diagram="message-flow"' in moved
    assert client.get(f"/r/{room.code}/step/").status_code == 403
    page = alice.get(f"/r/{room.code}/").content.decode()
    assert 'data-step-part="diagram"' in page and 'data-room-step="1"' in page
