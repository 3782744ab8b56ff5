"""The active language as documents spell it: `lang` and `dir` for a page, an email or the PDF."""

from django import template
from django.conf import settings

from summaries.i18n.languages import current_language, language_tag, text_direction

register = template.Library()


@register.simple_tag
def document_lang() -> str:
    return language_tag(current_language())


@register.simple_tag
def document_dir() -> str:
    return text_direction(current_language())


@register.simple_tag
def language_choices() -> list[tuple[str, str]]:
    """settings.LANGUAGES as written there, each name in its own language: Django's
    get_available_languages would translate them into the page's language instead."""
    return settings.LANGUAGES
