"""Reading only the columns a response shows.

A list of positions joins four actors and events; loading each joined row
whole (descriptions, timestamps, full-text vectors) costs more than the
page itself. Briefs name their fields, so the columns to load follow from
the serializers, and stay right when a brief gains a field.
"""

from __future__ import annotations

from django.db.models import Model, Prefetch
from rest_framework import serializers

# Written by the database for search, never shown.
NEVER_SHOWN = frozenset({"search_vector"})


def own_columns(model: type[Model]) -> list[str]:
    return [field.name for field in model._meta.concrete_fields if field.name not in NEVER_SHOWN]


def brief_columns(brief: type[serializers.ModelSerializer]) -> list[str]:
    """The model fields a brief shows (its URL needs the key, which is among them or the pk)."""
    model: type[Model] = brief.Meta.model
    names = {field.name for field in model._meta.concrete_fields}
    return [name for name in brief.Meta.fields if name in names]


def columns_for(model: type[Model], **briefs: type[serializers.ModelSerializer]) -> list[str]:
    """Arguments for ``only()``: the model's own columns and each related brief's."""
    columns = own_columns(model)
    for relation, brief in briefs.items():
        columns += [f"{relation}__{name}" for name in brief_columns(brief)]
    return columns


def briefs_of(relation: str, brief: type[serializers.ModelSerializer]) -> Prefetch:
    """Prefetch a many-to-many ``relation`` with only the brief's columns, in a stable order."""
    model: type[Model] = brief.Meta.model
    return Prefetch(
        relation,
        # The key last: records of the same name or date keep one order everywhere.
        queryset=model._default_manager.only(*brief_columns(brief)).order_by(
            *(model._meta.ordering or ()), "pk"
        ),
    )
