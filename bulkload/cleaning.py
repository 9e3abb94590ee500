"""Field validation for many rows: ``Model.clean_fields``, remembering what it accepted.

Most columns of a large file repeat a few values (a stance, a language, a
CAMEO code, a date), and a field's validation depends on the value alone
(relations, whose checks query the database, are resolved elsewhere): a value
accepted once is accepted again, and cleaned to the same value. Validators
were a fifth of a load's Python time before this. Columns of free text rarely
repeat, so each field remembers a bounded number of values.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.db.models.expressions import DatabaseDefault

REMEMBERED_PER_FIELD = 4096


class FieldCleaner:
    def __init__(self, model: type[Model], exclude: Collection[str]) -> None:
        self.fields = [
            field
            for field in model._meta.fields
            if field.name not in exclude and not field.generated
        ]
        self._accepted: dict[str, dict[Any, Any]] = {field.attname: {} for field in self.fields}

    def clean(self, instance: Model) -> None:
        """What ``instance.clean_fields(exclude)`` does: set each field to its
        cleaned value, or raise one ``ValidationError`` naming every bad field."""
        errors: dict[str, list[ValidationError]] = {}
        for field in self.fields:
            raw = getattr(instance, field.attname)
            # As clean_fields: blank values of blank fields are the model's business.
            if (field.blank and raw in field.empty_values) or isinstance(raw, DatabaseDefault):
                continue
            accepted: dict[Any, Any] | None = self._accepted[field.attname]
            try:
                setattr(instance, field.attname, accepted[raw])  # type: ignore[index]
                continue
            except KeyError:
                pass
            except TypeError:  # an unhashable value (a JSON list): not remembered
                accepted = None
            try:
                cleaned = field.clean(raw, instance)
            except ValidationError as error:
                errors[field.name] = error.error_list
                continue
            setattr(instance, field.attname, cleaned)
            if accepted is not None and len(accepted) < REMEMBERED_PER_FIELD:
                accepted[raw] = cleaned
        if errors:
            raise ValidationError(errors)
