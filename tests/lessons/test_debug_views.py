"""The debugging lesson over HTTP: its steps, the symptom table and labs, the level list,
a level page, the goal check on the stored sandbox, hints, the solution, completion kept,
and the hidden cause never on a page before the level is solved or its solution shown."""

import re

import pytest
from django.utils.html import escape

from learnkafka.lessons.content import load_lesson
from learnkafka.lessons.models import LevelProgress
from learnkafka.sandbox.models import Sandbox, SandboxCommand
from simulator import Simulation
from simulator.tools import debugging, levels

pytestmark = pytest.mark.django_db
LESSON = load_lesson("debug-consumer")
CHECKLIST = ["verify-producer", "group-id", "lag", "assignment", "auto-offset-reset",
             "rebalancing", "deserialization", "acls-network", "retention"]


def test_the_lesson_has_one_step_per_checklist_item_in_the_guides_order():
    assert [s.slug for s in LESSON.steps] == CHECKLIST


@pytest.mark.parametrize("slug", CHECKLIST)
def test_every_step_page_renders_with_its_staged_cluster_terminal_and_logs(client, slug):
    response = client.get(f"/lessons/debug-consumer/{slug}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-terminal" in page and 'data-diagram="consumer-groups"' in page
    assert 'data-groups=""' in page
    step = LESSON.step(slug)
    assert Sandbox.objects.filter(scenario=step.scenario).exists()


def test_the_symptom_table_renders_every_row_from_data_each_linking_its_lab(client):
    page = client.get("/lessons/debug-consumer/symptoms/").content.decode()
    rows = re.findall(r'<tr data-symptom="([^"]+)">', page)
    assert rows == [s["id"] for s in debugging.SYMPTOMS]
    for entry in debugging.SYMPTOMS:
        assert f'href="/lessons/debug-consumer/lab/{entry["id"]}/"' in page


def test_a_lab_opens_a_sandbox_staged_in_that_symptom(client):
    response = client.get("/lessons/debug-consumer/lab/constant-rebalancing/")
    assert response.status_code == 200
    assert Sandbox.objects.filter(scenario="symptom-constant-rebalancing").exists()
    assert client.get("/lessons/debug-consumer/lab/nope/").status_code == 404


def test_the_overview_links_the_symptom_table_and_the_levels(client):
    page = client.get("/lessons/debug-consumer/").content.decode()
    assert 'href="/lessons/debug-consumer/symptoms/"' in page
    assert 'href="/lessons/debug-consumer/levels/"' in page


def test_a_level_without_a_seed_redirects_to_one_and_the_seed_stages_the_sandbox(client):
    response = client.get("/lessons/debug-consumer/levels/stopped-at-1402/")
    assert response.status_code == 302 and "?seed=" in response["Location"]
    page = client.get("/lessons/debug-consumer/levels/stopped-at-1402/?seed=42")
    assert page.status_code == 200
    box = Sandbox.objects.get(scenario=levels.scenario_name("stopped-at-1402", 42))
    assert box.seed == 42
    assert "?seed=42" in page.content.decode()  # the share link
    assert client.get("/lessons/debug-consumer/levels/nope/?seed=1").status_code == 404


@pytest.mark.parametrize("level_id", [lv.id for lv in levels.LEVELS])
def test_a_level_page_never_names_its_hidden_cause(client, level_id):
    for seed in (1, 2, 3):
        page = client.get(f"/lessons/debug-consumer/levels/{level_id}/?seed={seed}")
        html = page.content.decode()
        staged = levels.stage(level_id, seed)
        assert staged.cause_id not in html
        assert escape(staged.explanation) not in html and "What it was" not in html
        for action in staged.solution:
            assert escape(action.how) not in html


def _store_fix(level_id: str, seed: int, actions) -> None:
    """Apply `actions` at the ticket time and store the history as the live layer does."""
    staged = levels.stage(level_id, seed)
    sim = Simulation(staged.scenario, seed)
    sim.advance(staged.ticket_ms)
    levels.apply_actions(sim, actions)
    box = Sandbox.objects.get(scenario=staged.scenario_name)
    for position, entry in enumerate(sim.history):
        data = entry.to_dict()
        SandboxCommand.objects.create(sandbox=box, position=position, at_ms=data["at_ms"],
                                      fired=data["fired"], command=data["command"])
    now_ms, fired = sim.position
    Sandbox.objects.filter(pk=box.pk).update(now_ms=now_ms, fired=fired)


def test_the_goal_check_refuses_a_wrong_fix_then_passes_the_right_one_and_keeps_it(client):
    level_id, seed = "v2-sees-nothing", 4
    staged = levels.stage(level_id, seed)
    client.get(f"/lessons/debug-consumer/levels/{level_id}/?seed={seed}")
    label, wrong = staged.wrong_fixes[0]
    _store_fix(level_id, seed, wrong)
    page = client.post(f"/lessons/debug-consumer/levels/{level_id}/check/",
                       {"seed": seed}).content.decode()
    assert 'data-goal-result="failed"' in page
    assert staged.explanation not in page
    SandboxCommand.objects.all().delete()
    _store_fix(level_id, seed, staged.solution)
    page = client.post(f"/lessons/debug-consumer/levels/{level_id}/check/",
                       {"seed": seed}).content.decode()
    assert 'data-goal-result="passed"' in page
    assert f"(par {staged.par})" in page
    row = LevelProgress.objects.get(level_id=level_id, seed=seed)
    assert row.solved_at is not None and row.commands_used == staged.par and row.checks == 2
    listing = client.get("/lessons/debug-consumer/levels/").content.decode()
    assert "1 of 12 solved" in listing
    assert re.search(r'data-level="v2-sees-nothing">.*?data-level-solved', listing, re.S)


def test_hints_count_and_the_solution_reveals_the_cause_only_when_asked(client):
    level_id, seed = "lag-keeps-growing", 9
    url = f"/lessons/debug-consumer/levels/{level_id}/"
    client.get(f"{url}?seed={seed}")
    staged = levels.stage(level_id, seed)
    for _ in range(5):  # more presses than hints: capped
        client.post(f"{url}hint/", {"seed": seed})
    row = LevelProgress.objects.get(level_id=level_id, seed=seed)
    assert row.hints_used == len(levels.hints(level_id, seed))
    html = client.get(f"{url}?seed={seed}").content.decode()
    assert staged.explanation not in html
    client.post(f"{url}solution/", {"seed": seed})
    html = client.get(f"{url}?seed={seed}").content.decode()
    assert escape(staged.explanation) in html
    assert all(escape(a.how) in html for a in staged.solution)


def test_bad_seeds_are_refused_and_change_nothing(client):
    url = "/lessons/debug-consumer/levels/stopped-at-1402/"
    assert client.post(f"{url}check/", {"seed": "-1"}).status_code == 400
    assert client.post(f"{url}hint/", {"seed": "99999999999"}).status_code == 400
    assert client.get(f"{url}check/").status_code == 405
    assert not LevelProgress.objects.exists()
