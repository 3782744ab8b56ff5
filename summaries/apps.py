import os

from django.apps import AppConfig

# fontTools stamps the emoji font it rewrites for a PDF with the current time unless this is set
# (the reproducible-builds convention), which would make every render of the same answers differ.
# Any fixed moment will do; an operator's own value wins.
REPRODUCIBLE_FONT_TIMESTAMP = "1704067200"  # 2024-01-01T00:00:00Z


class SummariesConfig(AppConfig):
    name = "summaries"
    verbose_name = "About-Me summaries"

    def ready(self) -> None:
        os.environ.setdefault("SOURCE_DATE_EPOCH", REPRODUCIBLE_FONT_TIMESTAMP)
        from summaries import checks  # noqa: F401 - registers the system checks
        from summaries.i18n import checks as i18n_checks  # noqa: F401 - and the catalogs' check
