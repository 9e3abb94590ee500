import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
# Served by a production server (gunicorn, uwsgi): DEBUG is off unless set.
# manage.py (runserver, tests, commands) keeps the development default.
os.environ.setdefault("DEBUG", "false")

application = get_wsgi_application()

from tracker.startup import settle  # noqa: E402 (needs the settings configured above)

settle()
