"""The ASGI app bench_web.py serves: the real site, /static/, and a bare echo socket.

(Named without the bench_ prefix so the benchmarks runner does not run it.)

The echo socket (/ws/echo/) is the baseline: the same Daphne, the same browser,
the same loopback, with no simulation and no rendering behind it.
"""
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnkafka.settings")

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import URLRouter  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402
from django.urls import re_path  # noqa: E402

from learnkafka.asgi import application as site  # noqa: E402


class EchoConsumer(AsyncWebsocketConsumer):
    async def receive(self, text_data=None, bytes_data=None):
        await self.send(text_data=text_data)


echo = URLRouter([re_path(r"^ws/echo/$", EchoConsumer.as_asgi())])
static = ASGIStaticFilesHandler(site)


async def application(scope, receive, send):
    if scope["type"] == "http":
        return await static(scope, receive, send)
    if scope["type"] == "websocket" and scope["path"] == "/ws/echo/":
        return await echo(scope, receive, send)
    return await site(scope, receive, send)
