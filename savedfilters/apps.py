from django.apps import AppConfig


class SavedFiltersConfig(AppConfig):
    name = "savedfilters"
    verbose_name = "Saved filters"
