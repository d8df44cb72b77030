"""The site layout: every page shares one accessible base template and a strict CSP."""
import pytest

pytestmark = pytest.mark.django_db


def test_home_page_has_skip_link_and_main_navigation(client):
    html = client.get("/").content.decode()
    assert '<a class="skip-link" href="#main">' in html
    for label, href in [("Home", "/"), ("Playground", "/playground/"),
                        ("Lessons", "/lessons/"), ("Quizzes", "/quizzes/")]:
        assert f'href="{href}"' in html and f">{label}</a>" in html


def test_every_page_carries_a_csp_without_inline_scripts(client):
    policy = client.get("/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_htmx_2_is_served_locally_and_only_where_a_page_uses_it(client):
    # A page with hx- attributes (a lesson step) loads htmx; the home page has none.
    assert "htmx" not in client.get("/").content.decode()
    html = client.get("/lessons/kafka-basics/acks/").content.decode()
    assert "/static/django_htmx/htmx-2.min.js" in html
    # No page uses htmx's WebSocket extension (live diagrams have their own socket).
    assert "hx-ws" not in html
    assert "https://" not in html.split("<body")[0]
