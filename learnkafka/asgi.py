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
