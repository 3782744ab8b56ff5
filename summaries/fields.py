"""Form fields for typed text: Unicode NFC-normalised, control characters refused.

A single-line answer (a name, a hobby) ends up in a PDF heading, an email and possibly a
header, so it may hold no line breaks or other control characters. The multi-line answer
keeps its line breaks and tabs, normalised to "\\n", and refuses every other control character.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Cc: C0/C1 controls (NUL, ESC, CR, LF, NEL...); Cs: lone surrogates; Zl/Zp: U+2028/U+2029,
# which some mail and PDF readers treat as line breaks.
_REFUSED_CATEGORIES = {"Cc", "Cs", "Zl", "Zp"}
MULTI_LINE_ALLOWED = {"\n", "\t"}


def refused_characters(value: str, allowed: set[str] = frozenset()) -> list[str]:
    return sorted({ch for ch in value if ch not in allowed and unicodedata.category(ch) in _REFUSED_CATEGORIES})


def describe(characters: list[str]) -> str:
    return ", ".join(f"U+{ord(ch):04X}" for ch in characters[:5])


class SingleLineTextField(forms.CharField):
    default_error_messages = {
        "control": _("Please write this on one line, without line breaks or control characters (found %(chars)s)."),
    }

    allowed_characters: set[str] = frozenset()

    def to_python(self, value):
        value = super().to_python(value)
        return unicodedata.normalize("NFC", value) if value else value

    def validate(self, value):
        super().validate(value)
        if refused := refused_characters(value, self.allowed_characters):
            raise ValidationError(self.error_messages["control"], code="control", params={"chars": describe(refused)})


class MultiLineTextField(SingleLineTextField):
    default_error_messages = {"control": _("Please remove the control characters from this answer (found %(chars)s).")}
    allowed_characters = MULTI_LINE_ALLOWED

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class NormalisedEmailField(forms.EmailField):
    """Django's email validation, after NFC normalisation; control characters never pass it."""

    default_error_messages = {"invalid": _("Enter a valid email address.")}

    def to_python(self, value):
        value = super().to_python(value)
        return unicodedata.normalize("NFC", value) if value else value

    def validate(self, value):
        super().validate(value)
        if refused_characters(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
