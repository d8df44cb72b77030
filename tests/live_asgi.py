"""The ASGI app the browser tests serve with Daphne: the real app plus /static/.

`runserver` serves static files itself; a bare Daphne does not, so the test server
wraps the HTTP side in Django's ASGIStaticFilesHandler (finders, no collectstatic).
"""
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnkafka.settings")

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from learnkafka.asgi import application as _site  # noqa: E402


class _StaticThenSite:
    """HTTP requests under /static/ are served from the finders; everything else
    (other HTTP, WebSockets, lifespan) goes to the real ProtocolTypeRouter."""

    def __init__(self, site):
        self.site = site
        self.static = ASGIStaticFilesHandler(site)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            return await self.static(scope, receive, send)
        return await self.site(scope, receive, send)


application = _StaticThenSite(_site)
