"""Which way a person's own words read, so right-to-left answers are laid out from the right."""

import unicodedata

from django import template

register = template.Library()

_RIGHT_TO_LEFT = {"R", "AL"}
_LEFT_TO_RIGHT = {"L"}


@register.filter
def text_direction(text: str) -> str:
    """ "rtl" or "ltr" from the first strongly directional character (Unicode's rule P2), else "ltr"."""
    for character in text or "":
        kind = unicodedata.bidirectional(character)
        if kind in _RIGHT_TO_LEFT:
            return "rtl"
        if kind in _LEFT_TO_RIGHT:
            return "ltr"
    return "ltr"
