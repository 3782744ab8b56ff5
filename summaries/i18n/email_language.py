"""Which language an email is in, said where mail clients and screen readers look for it."""

from summaries.i18n.languages import current_language, language_tag


def content_language_header() -> dict[str, str]:
    """The Content-Language header (RFC 3282) for a message written in the active language."""
    return {"Content-Language": language_tag(current_language())}
