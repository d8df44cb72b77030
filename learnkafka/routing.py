"""WebSocket routes, one thin consumer per socket kind."""
from django.urls import re_path

from learnkafka.classroom.consumers import RoomConsumer
from learnkafka.sandbox.consumers import SandboxConsumer

websocket_urlpatterns: list = [
    # Any id shape reaches the consumer, which refuses bad ones with a clear error.
    re_path(r"^ws/sandbox/(?P<public_id>[^/]{1,100})/$", SandboxConsumer.as_asgi()),
    re_path(r"^ws/room/(?P<code>[A-Za-z0-9]{1,12})/$", RoomConsumer.as_asgi()),
]
