"""Admin bases shared by the apps."""

from __future__ import annotations

from import_export.admin import ImportExportModelAdmin
from simple_history.admin import SimpleHistoryAdmin

from tracker.imports import IMPORT_EXPORT_FORMATS


class HistoryAdmin(SimpleHistoryAdmin):
    """Shows each record's history (who, when, what changed) and can revert to a version."""


class CuratedAdmin(ImportExportModelAdmin, HistoryAdmin):
    """History, plus import (with a dry run) and export as CSV, JSON and XLSX."""

    formats = IMPORT_EXPORT_FORMATS


class ImportExportAdmin(ImportExportModelAdmin):
    formats = IMPORT_EXPORT_FORMATS
