"""Starting a race from the web: bad input refused, limits kept, the result stored and shown."""
import pytest
from django.urls import reverse

from learnkafka.payrace.models import RaceRun
from learnkafka.payrace.services import RUNS_PER_MINUTE, RaceRefused, race_start

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("fields, words", [
    ({"variant": "drop-tables", "threads": 4, "trials": 2}, "Unknown variant"),
    ({"variant": "naive", "threads": 17, "trials": 2}, "Threads must be from 2 to 16"),
    ({"variant": "naive", "threads": 1, "trials": 2}, "Threads must be from 2 to 16"),
    ({"variant": "naive", "threads": "four", "trials": 2}, "Threads must be a whole number"),
    ({"variant": "naive", "threads": 4, "trials": 101}, "Trials must be from 1 to 100"),
    ({"variant": "naive", "threads": 4, "trials": ""}, "Trials must be a whole number"),
])
def test_bad_input_gets_a_clear_error_and_runs_nothing(fields, words):
    with pytest.raises(RaceRefused) as refused:
        race_start(learner_key="k1", **fields)
    assert refused.value.code == "bad_input" and words in refused.value.message
    assert RaceRun.objects.count() == 0


def test_on_sqlite_the_advisory_lock_and_redis_say_what_they_need(settings):
    settings.REDIS_URL = ""
    with pytest.raises(RaceRefused, match="PostgreSQL"):
        race_start(learner_key="k1", variant="advisory", threads=4, trials=2)
    with pytest.raises(RaceRefused, match="No Redis"):
        race_start(learner_key="k1", variant="redis", threads=4, trials=2)
    assert RaceRun.objects.count() == 0


def test_a_learner_may_run_five_races_a_minute_and_another_learner_is_not_slowed():
    for _ in range(RUNS_PER_MINUTE):
        race_start(learner_key="busy", variant="naive", threads=2, trials=2)
    with pytest.raises(RaceRefused) as refused:
        race_start(learner_key="busy", variant="naive", threads=2, trials=2)
    assert refused.value.code == "rate_limited"
    assert RaceRun.objects.filter(learner_key="busy").count() == RUNS_PER_MINUTE
    other = race_start(learner_key="calm", variant="naive", threads=2, trials=2)
    assert other.learner_key == "calm"


def test_the_web_race_on_postgresql_runs_in_its_own_schema(monkeypatch, fresh_pg_database):
    """PAYRACE_DATABASE_URL points the race at PostgreSQL; the app's tables stay untouched."""
    import psycopg

    monkeypatch.setenv("PAYRACE_DATABASE_URL", fresh_pg_database)
    with psycopg.connect(fresh_pg_database) as conn:
        tables_before = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
            " ORDER BY 1, 2").fetchall()
    run = race_start(learner_key="pg", variant="naive", threads=8, trials=10)
    assert run.backend == "postgresql"
    assert any(t["charges"] > 1 for t in run.result["trials"]), run.result
    with psycopg.connect(fresh_pg_database) as conn:
        tables_after = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
            " ORDER BY 1, 2").fetchall()
    assert tables_after == tables_before
    assert ("public", "sandbox_sandbox") in tables_after


def test_the_page_runs_a_race_and_draws_a_bar_per_trial(client):
    response = client.post(reverse("payrace:run"),
                           {"variant": "unique", "threads": "4", "trials": "6"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="bar once"') == 6
    assert "never more than one charge" in html
    assert "SQLite differs" in html  # the suite's default database is SQLite
    assert client.get(reverse("payrace:page")).content.decode().count('data-trial=') == 6


def test_the_page_shows_bad_input_in_the_panel_without_javascript(client):
    response = client.post(reverse("payrace:run"),
                           {"variant": "naive", "threads": "99", "trials": "6"})
    assert response.status_code == 400
    assert "Threads must be from 2 to 16" in response.content.decode()
    assert RaceRun.objects.count() == 0


def test_without_javascript_a_race_redirects_back_to_the_lesson(client):
    response = client.post(reverse("payrace:run"),
                           {"variant": "naive", "threads": "2", "trials": "1",
                            "next": "/lessons/payment-idempotency/race/"})
    assert response.status_code == 302
    assert response["Location"] == "/lessons/payment-idempotency/race/"
    evil = client.post(reverse("payrace:run"),
                       {"variant": "naive", "threads": "2", "trials": "1",
                        "next": "https://evil.example/"})
    assert evil["Location"] == "/payrace/"


def test_a_race_database_that_refuses_gets_a_clear_error_and_stores_nothing(monkeypatch,
                                                                              postgres_url):
    """A PostgreSQL role without CREATE on the database (PostgreSQL 15's default for a
    role that does not own it) cannot make the race's schema: the learner is told why."""
    import psycopg

    with psycopg.connect(f"{postgres_url}/postgres", autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS payrace_readonly")
        conn.execute("CREATE ROLE payrace_readonly LOGIN")
    try:
        monkeypatch.setenv("PAYRACE_DATABASE_URL",
                           postgres_url.replace("postgres@", "payrace_readonly@") + "/postgres")
        with pytest.raises(RaceRefused) as refused:
            race_start(learner_key="k1", variant="naive", threads=2, trials=1)
        assert refused.value.code == "unavailable"
        assert "permission denied" in refused.value.message
        assert RaceRun.objects.count() == 0
    finally:
        with psycopg.connect(f"{postgres_url}/postgres", autocommit=True) as conn:
            conn.execute("DROP ROLE payrace_readonly")
