"""The test suite's settings: the project's own, with DEBUG read as on.

The project's default is off (production); the suite runs the development
configuration, as ``make run`` does. Django's test runner still turns
``settings.DEBUG`` off for the tests themselves; what DEBUG decides at start
(how static files are stored, the development secret, the HTTPS redirect)
follows the development defaults. Tests of the production configuration
start it in a fresh interpreter (tests/production.py).
"""

import os

os.environ.setdefault("DEBUG", "true")

from tracker.settings import *  # noqa: F403
