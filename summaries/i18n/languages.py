"""Which of the product's languages a code means, and which way it is written.

A submission keeps the code it was filled in with; anything that is not one of settings.LANGUAGES
(an old row, a hand-edited one) is read as the default language, never an error.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.utils import translation


def supported_language(code: str | None) -> str:
    """One of settings.LANGUAGES for `code` (its closest variant), or the default language."""
    try:
        # Lower case as in settings.LANGUAGES: "pt-BR" from a header is kept as "pt-br".
        return translation.get_supported_language_variant(code or "").lower()
    except LookupError:
        return settings.LANGUAGE_CODE


def current_language() -> str:
    """The active language, as one of settings.LANGUAGES: what a new submission keeps."""
    return supported_language(translation.get_language())


def language_tag(code: str) -> str:
    """The BCP 47 spelling for documents and headers: "pt-br" as "pt-BR", "zh-hans" as "zh-Hans"."""
    return translation.to_locale(supported_language(code)).replace("_", "-")


def text_direction(code: str) -> str:
    """ "rtl" for a language written right to left, else "ltr"."""
    return "rtl" if translation.get_language_info(supported_language(code))["bidi"] else "ltr"


@contextmanager
def in_language(code: str | None) -> Iterator[str]:
    """Activate `code` (or the default language) for the block only, then restore the one before."""
    language = supported_language(code)
    with translation.override(language):
        yield language
