"""Migration operations for what only PostgreSQL has."""

from __future__ import annotations

from typing import Any

from django.db import migrations


class RunSQLOnPostgres(migrations.RunSQL):
    """Raw SQL that runs on PostgreSQL and is skipped on SQLite.

    For PostgreSQL-only indexes (GIN over full-text vectors): SQLite keeps
    the plain-match search fallback and needs none.
    """

    def database_forwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, *args)

    def database_backwards(self, app_label: str, schema_editor: Any, *args: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, *args)


def gin_index(table: str, column: str = "search_vector") -> RunSQLOnPostgres:
    name = f"{table}_{column}_gin"
    return RunSQLOnPostgres(
        sql=f"CREATE INDEX {name} ON {table} USING gin ({column})",
        reverse_sql=f"DROP INDEX {name}",
    )
