"""Admin for the responses app, one module per group of records.

Importing the modules registers their model admins with the default site.
"""

from responses.admin import events, measures, sources

__all__ = ["events", "measures", "sources"]
