from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.tokens import issue_token


class Command(BaseCommand):
    help = (
        "Create an API token for an existing user and print its key (only the key, on "
        "standard output, so scripts can capture it). The key is stored hashed and "
        "cannot be shown again. Tokens are read-write unless --read-only is given; a "
        "read-write token can still do only what its user's permissions allow."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="The user the token acts as.")
        parser.add_argument(
            "--read-only",
            action="store_true",
            help="The token can read everything and write nothing.",
        )
        parser.add_argument(
            "--name",
            default="created with manage.py create_token",
            help="What the token is for, shown in the admin's list of tokens.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(options["username"])
        except User.DoesNotExist:
            raise CommandError(f"There is no user {options['username']!r}.") from None
        token, key = issue_token(user, name=options["name"], read_only=options["read_only"])
        self.stderr.write(f"Created {token.access} token {token.name!r} for {user}.")
        self.stdout.write(key)
