import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
# Served by a production server: DEBUG is off unless set (see wsgi.py).
os.environ.setdefault("DEBUG", "false")

application = get_asgi_application()

from tracker.startup import settle  # noqa: E402 (needs the settings configured above)

settle()
