"""What every admin import shares: validation by the model, and all-or-nothing writes.

django-import-export gives the admin its import and export (CSV, JSON, XLSX)
with a dry run that previews which rows would be created, updated or
rejected. Rows are validated by the models' own rules (``full_clean``), and a
confirmed import runs in one transaction, so a file with a bad row cannot be
confirmed and writes nothing.

Each resource's columns come from its declaration (``tracker.declarations``),
so an admin export has the columns of the API's CSV, and the admin imports
what the API exports: read-only columns (timestamps, the names shown beside a
slug) are exported and ignored on import; the id matches a row to its record.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from import_export import fields, resources, widgets
from import_export.formats.base_formats import CSV, JSON, XLSX

from tracker.api.csv import from_spreadsheet_text, spreadsheet_text
from tracker.api.fields import NO_SUCH_RECORD
from tracker.declarations import Declared, Flat, Resource, by_field, flat_fields
from tracker.limits import LIST_LIMITS, too_many_message

IMPORT_EXPORT_FORMATS = [CSV, JSON, XLSX]
SEPARATOR = "|"


class ListWidget(widgets.Widget):
    """A list of strings as one cell, items joined with ``|`` (aliases, impacts)."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> list[str]:
        if value in (None, ""):
            return []
        if isinstance(value, list):
            return [str(item).strip() for item in value if str(item).strip()]
        return [item.strip() for item in str(value).split(SEPARATOR) if item.strip()]

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return SEPARATOR.join(value or [])


class LinksWidget(widgets.Widget):
    """Links that say how two records relate, as ``kind:slug`` items joined with ``|``.

    Exported only: the admin import leaves them as they are (the API and
    ``import_records`` write them).
    """

    def __init__(self, link: str, other: str) -> None:
        super().__init__()
        self.link, self.other = link, other

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None or value.instance.pk is None:  # a record not saved yet
            return ""
        items = sorted(
            (getattr(link, self.other).slug, getattr(link, self.link)) for link in value.all()
        )
        return SEPARATOR.join(f"{kind}:{slug}" for slug, kind in items)


class RecordsWidget(widgets.ManyToManyWidget):
    """Related records by slug or id, joined with ``|``.

    django-import-export's widget drops a key that names no record; a cited
    source that silently disappears is lost data, so here it is an error that
    names the key, as the API's is.
    """

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        found = super().clean(value, row, **kwargs)
        if not value:
            return found
        if isinstance(value, int | float):
            keys = {str(int(value))}
        else:
            keys = {key.strip() for key in str(value).split(self.separator) if key.strip()}
        unknown = sorted(keys - {str(getattr(record, self.field)) for record in found})
        if unknown:
            model = self.model._meta.verbose_name
            lookup = "id" if self.field == "pk" else self.field
            raise ValueError(
                NO_SUCH_RECORD.format(model=model, lookup=lookup, value=", ".join(unknown))
            )
        return found


class ValidatedResource(resources.ModelResource):
    """Runs the model's validation on every row; ``required_many`` lists M2M fields
    that need at least one value (every claim cites a source).

    ``declaration`` gives the columns, built when the resource is made: the
    fields Meta would generate from the model are not used (``Meta.fields`` is
    empty).

    Exports are opened in spreadsheets, so text that a spreadsheet would run as a
    formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a leading
    apostrophe in every format, as in the API's CSV; an import takes it off again.
    """

    required_many: tuple[str, ...] = ()
    declaration: Resource = ()

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields = {}
        for declared in flat_fields(self.declaration):
            self.fields[declared.name] = self.declared_field(declared)
            for header, path in declared.shown_headers():
                self.fields[header] = fields.Field(
                    attribute=path, column_name=header, readonly=True
                )

    def declared_field(self, declared: Declared) -> fields.Field:
        model_field: Any = self.get_queryset().model._meta.get_field(declared.field)
        flat = declared.flat
        if flat in (Flat.VALUE, Flat.READ_ONLY):
            field = self.field_from_django_field(declared.name, model_field, readonly=False)
            field.attribute, field.column_name = declared.field, declared.header
            field.readonly = flat is Flat.READ_ONLY
            return field
        widget: widgets.Widget
        attribute = declared.field
        related = model_field.related_model
        if flat is Flat.LIST:
            widget = ListWidget()
        elif flat in (Flat.SLUG, Flat.ID):
            widget = widgets.ForeignKeyWidget(related, "slug" if flat is Flat.SLUG else "pk")
        elif flat in (Flat.SLUGS, Flat.IDS):
            widget = RecordsWidget(
                related, separator=SEPARATOR, field="slug" if flat is Flat.SLUGS else "pk"
            )
        else:  # LINKS: the link rows themselves, read through their table
            through = model_field.remote_field.through
            own = through._meta.get_field(model_field.m2m_field_name())
            attribute = own.remote_field.get_accessor_name()
            other = model_field.m2m_reverse_field_name()
            widget = LinksWidget(declared.link, other)
        return fields.Field(
            attribute=attribute,
            column_name=declared.header,
            widget=widget,
            readonly=flat is Flat.LINKS,
        )

    def export_field(self, field: Any, instance: Model, **kwargs: Any) -> Any:
        value = super().export_field(field, instance, **kwargs)
        return spreadsheet_text(value) if isinstance(value, str) else value

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        for column, value in row.items():
            if isinstance(value, str):
                row[column] = from_spreadsheet_text(value)

    def import_instance(self, instance: Model, row: Any, **kwargs: Any) -> None:
        super().import_instance(instance, row, **kwargs)
        # Before the many-to-many cells are looked up (below, and when saved).
        errors = self.long_lists(row)
        for name, field in self.fields.items():
            if name in errors or not isinstance(field.widget, RecordsWidget):
                continue
            if field.column_name not in row and name not in self.required_many:
                continue  # a file without the column leaves the links as they are
            try:
                records = field.clean(row, **kwargs)
            except ValueError as error:
                errors[name] = ValidationError(f"{error} Column: {field.column_name}.")
                continue
            if name in self.required_many and not records:
                errors[name] = ValidationError(
                    f"Give at least one value in the {field.column_name} column."
                )
        if errors:
            raise ValidationError(errors)

    def validate_instance(
        self,
        instance: Model,
        import_validation_errors: Any = None,
        validate_unique: bool = True,
    ) -> None:
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            # Named as the API and the columns name them (a source's "link",
            # which the model calls "url").
            names = by_field(self.declaration)
            raise ValidationError(
                {names.get(key, key): value for key, value in exc.error_dict.items()}
            ) from exc

    def long_lists(self, row: Any) -> dict[str, ValidationError]:
        """The API's bounds on lists, counted in the row's cells."""
        errors = {}
        for field in self.get_import_fields():
            limit = LIST_LIMITS.get(field.attribute or "")
            value = row.get(field.column_name) if limit is not None else None
            if limit is None or value in (None, ""):
                continue
            items = value if isinstance(value, list) else str(value).split(SEPARATOR)
            if sum(1 for item in items if str(item).strip()) > limit:
                errors[str(field.attribute)] = ValidationError(
                    f"{too_many_message(limit)} Column: {field.column_name}.", code="max_length"
                )
        return errors

    class Meta:
        fields: tuple[str, ...] = ()  # the declaration's, made in __init__
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
