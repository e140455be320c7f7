"""ASGI entry point: HTTP (every view) and WebSockets (the notes feed).

    gunicorn -c example_project/gunicorn.conf.py -k uvicorn_worker.UvicornWorker \\
        --chdir example_project example.asgi

Sockets authenticate with a user + token pair (``tokenapi.contrib.channels``):
browsers in the subprotocol, other clients in an ``Authorization`` header. No
origin check: browsers send no token by themselves, as they send cookies, so
another site's page cannot open a socket as the user.
"""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example.settings")

# First: it sets Django up, which the consumers' imports need.
django_application = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from api.consumers import NotesFeedConsumer  # noqa: E402
from tokenapi.contrib.channels import TokenAuthMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": TokenAuthMiddleware(
            URLRouter([path("ws/notes/", NotesFeedConsumer.as_asgi())])
        ),
    }
)
