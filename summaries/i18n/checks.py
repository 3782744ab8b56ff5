"""A system check: every language's catalog compiled and up to date, or the pages fall back
to English without a word in the logs (Django reads only the .mo files)."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Warning, register
from django.utils.translation import to_locale


def stale_catalogs(locale_dir: Path, languages: list[tuple[str, str]]) -> list[str]:
    """The languages whose django.mo is missing or older than their django.po."""
    stale = []
    for code, _name in languages:
        folder = locale_dir / to_locale(code) / "LC_MESSAGES"
        source, compiled = folder / "django.po", folder / "django.mo"
        if source.exists() and (not compiled.exists() or compiled.stat().st_mtime < source.stat().st_mtime):
            stale.append(code)
    return stale


@register()
def check_catalogs_compiled(app_configs=None, **_kwargs) -> list[Warning]:
    stale = [code for folder in settings.LOCALE_PATHS for code in stale_catalogs(Path(folder), settings.LANGUAGES)]
    if not stale:
        return []
    return [
        Warning(
            f"The translations for {', '.join(stale)} are not compiled or older than their .po file: "
            "those pages, emails and PDFs would be in English.",
            hint="Run `make messages` (gettext's msgfmt), as `make install` does.",
            id="summaries.W001",
        )
    ]
