"""A freshly started server serves many first visits at once, each with its live sandbox.

Two causes made some of 96 concurrent first loads of /playground/ come back
without the live sandbox: django-components resolving a component's template
on its first render is not thread-safe (a second thread rendered
`live_sandbox` as nothing: learnkafka/core/component_warmup.py), and SQLite
answered concurrent writers "database is locked" (a 500; settings.py's SQLite
options). The first test is the learner's view of both, on a real cold Daphne.
"""
import concurrent.futures
import urllib.error
import urllib.request

import pytest
from django.template.base import Template
from django_components import registry

VISITORS = 96
SERVER_COLD_STARTS = 2


def _first_visit(url: str) -> tuple[int, str]:
    # No cookie jar: each request is a newcomer (a new session, a new sandbox).
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, ""


def _has_live_sandbox(body: str) -> bool:
    return all(part in body for part in (
        "data-live-sandbox=\"/ws/sandbox/", 'data-diagram="cluster"', 'class="controls"',
        "data-command="))


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_loads_of_a_cold_server_all_get_the_live_sandbox(restartable_server):
    bad = []
    for start in range(SERVER_COLD_STARTS):
        if start:
            restartable_server.stop()
            restartable_server.start()  # cold again: a new process, nothing loaded
        log_offset = restartable_server.log_path.stat().st_size
        url = f"{restartable_server.url}/playground/"
        with concurrent.futures.ThreadPoolExecutor(VISITORS) as pool:
            results = list(pool.map(_first_visit, [url] * VISITORS))
        bad += [status for status, body in results if status != 200 or not _has_live_sandbox(body)]
        log = restartable_server.log_path.read_text()[log_offset:]
        assert "Traceback" not in log, log[-3000:]
    assert bad == [], f"{len(bad)} of {VISITORS * SERVER_COLD_STARTS} first loads lacked the " \
                      f"live sandbox (statuses {bad})"


def test_every_component_template_is_resolved_before_the_first_request():
    # What removes the race itself: nothing is left to load lazily on a first render.
    for name, component_cls in registry.all().items():
        media = component_cls._component_media
        if name == "dynamic":
            continue  # django-components' own, renders another component, no template
        assert media.resolved_template and isinstance(media._template, Template), name
        assert media.resolved_files, name
