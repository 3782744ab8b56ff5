from django.apps import AppConfig


class SummariesConfig(AppConfig):
    name = "summaries"
    verbose_name = "About-Me summaries"

    def ready(self):
        # Connects the worker warm-up to Celery's worker_process_init signal.
        from summaries import worker_warmup  # noqa: F401
