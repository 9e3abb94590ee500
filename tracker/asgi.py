import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = get_asgi_application()

from tracker.startup import check_ready, settle  # noqa: E402 (needs the settings above)

check_ready()
settle()
