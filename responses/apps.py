from django.apps import AppConfig


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = "Responses"

    def ready(self) -> None:
        from responses import signals

        signals.connect()
        # Every write moves the data version that cached reads are keyed by.
        from tracker import freshness

        freshness.connect()
