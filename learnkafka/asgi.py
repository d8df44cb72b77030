"""ASGI entry point: HTTP goes to Django, WebSockets to the Channels router."""
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "learnkafka.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from learnkafka.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)

# The Kafka gateway listens inside this process once Daphne's loop runs
# (learnkafka/gateway/server.py; docs/architecture.md "The Kafka gateway").
from learnkafka.gateway.server import start_when_daphne_runs  # noqa: E402

start_when_daphne_runs()

# The cyclic garbage collector, tuned for a process full of live simulations.
# With Python's defaults (700, 10, 10) it took a fifth of the CPU of a process
# playing 100 sandboxes and paused it for up to 260 ms at a time (a full
# collection), which was most of the produce -> frame p99 (`python -m
# benchmarks fanout`). Everything loaded so far (Django, the simulator's
# modules) lives for good: gc.freeze() stops rescanning it. A young generation
# of 5,000 makes collections rarer without making each one long; the
# simulator's own garbage is mostly freed by reference counting.
import gc  # noqa: E402

gc.freeze()
gc.set_threshold(5_000, 20, 100)


# The GIL's switch interval. The recorder's journal (sandbox/recorder.py)
# commits on a thread of its own, and each SQLite call gives up the GIL; with
# the loop busy, taking it back waits out the whole interval (5 ms by
# default), so a round of a few statements took 40 ms at p90 and 90 ms at p99
# with 200 sandboxes playing, and every command's frame waits for its round.
# At 0.5 ms the same rounds took 12 / 28 ms (timed around each round, with
# the fan-out benchmark's 200 simulations playing).
import sys  # noqa: E402

sys.setswitchinterval(0.0005)
