#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    # The development server and the schema's generation are development
    # commands: DEBUG is on unless set (the schema is the same either way).
    # Every other command keeps the settings' default (off, as in production).
    if sys.argv[1:2] in (["runserver"], ["spectacular"]):
        os.environ.setdefault("DEBUG", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
