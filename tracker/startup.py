"""What a server process does once, after it has loaded the project and before it serves."""

from __future__ import annotations

import gc

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.urls import get_resolver


def check_ready() -> None:
    """Refuse to start, saying why, when the server could not serve its pages.

    A server that starts anyway answers every HTML page 500 (no static
    manifest) or every request 503 (no database), which an operator finds
    later and less clearly. gunicorn.conf.py loads the app once, in the
    master process, so a worker started during a database outage does not
    check again: it answers 503 until the database is back.
    """
    problems = static_problems() + database_problems() + replica_problems()
    if problems:
        raise ImproperlyConfigured(
            "The server cannot start:\n" + "\n".join(f"- {problem}" for problem in problems)
        )


def static_problems() -> list[str]:
    storage = staticfiles_storage
    if settings.DEBUG or not isinstance(storage, ManifestFilesMixin):
        return []
    if storage.manifest_storage.exists(storage.manifest_name):
        return []
    return [
        f"The static files' manifest ({settings.STATIC_ROOT}/{storage.manifest_name}) is "
        "missing, so every page would fail. Run `manage.py collectstatic --noinput` with "
        "the server's environment (DEBUG off, the same STATIC_ROOT)."
    ]


def database_problems() -> list[str]:
    connection = connections["default"]
    database = connection.settings_dict
    where = f"{connection.display_name} database {database['NAME']}"
    if database.get("HOST"):
        where += f" at {database['HOST']}:{database.get('PORT') or 'the default port'}"
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        return [f"The {where} cannot be reached ({error}). Check DATABASE_URL."]
    finally:
        # Opened in the master process: its workers must not share the connection.
        connections.close_all()
    if unapplied:
        return [
            f"The {where} has {len(unapplied)} unapplied migrations. "
            "Run `manage.py migrate` with the server's environment."
        ]
    return []


def replica_problems() -> list[str]:
    replicas: list[str] = getattr(settings, "DATABASE_REPLICAS", [])
    if not replicas or settings.REDIS_URL:
        return []
    # Which replica may serve a read depends on the data version, which every
    # process must share: without it, a client could miss its own write.
    return [
        "DATABASE_REPLICA_URLS is set without REDIS_URL: the server processes need a "
        "shared cache to send each read to a replica that holds every earlier write. "
        "Set REDIS_URL, or remove DATABASE_REPLICA_URLS."
    ]


def settle() -> None:
    """Import the URL conf, then take everything loaded so far out of garbage collection.

    A server process keeps its modules, views and serializers for its whole
    life, yet the collector walks them again on every full collection, and a
    response of a few thousand briefs triggers several: a busy event's
    response matrix took 102 ms with them and 57 ms without (in-process, large
    benchmark data). ``gc.freeze()`` moves these objects to a permanent
    generation (and, when the server loads the app before forking, as
    gunicorn's ``--preload`` does, keeps the workers' copies of them shared);
    objects created afterwards are collected as usual.
    """
    # Loaded lazily on the first request otherwise, after the freeze.
    get_resolver().url_patterns  # noqa: B018
    # Garbage of the start-up itself would otherwise be kept for good.
    gc.collect()
    gc.freeze()
