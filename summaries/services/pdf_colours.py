"""The summary PDF's colours for each favourite colour, with text that stays readable on them.

The masthead is filled with the person's own colour, White and Yellow included, so its text
colour is worked out rather than chosen by eye: of black and white, whichever contrasts more.
One of the two always reaches sqrt(21) = 4.58:1 against any colour (their two ratios multiply to
21), above the 4.5:1 WCAG AA asks of normal text.
"""

from dataclasses import dataclass

from summaries.models import Color

BLACK = "#000000"
WHITE = "#ffffff"
# WCAG 2.2, success criterion 1.4.3: normal-size text.
MINIMUM_TEXT_CONTRAST = 4.5


def _channel(value: int) -> float:
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG's relative luminance of a #rrggbb colour."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    darker, lighter = sorted((relative_luminance(first), relative_luminance(second)))
    return (lighter + 0.05) / (darker + 0.05)


def readable_text_on(background: str) -> str:
    """Black or white, whichever reads better on `background`."""
    return BLACK if contrast_ratio(BLACK, background) >= contrast_ratio(WHITE, background) else WHITE


@dataclass(frozen=True)
class Palette:
    colour: str  # the person's colour: the masthead and the swatch
    accent: str  # headings and rules on the white page, dark enough for small text
    tint: str  # behind each answer

    @property
    def masthead_text(self) -> str:
        return readable_text_on(self.colour)

    def css_variables(self) -> str:
        """The palette as CSS custom properties, for the PDF template's body element."""
        return (
            f"--colour: {self.colour}; --colour-text: {self.masthead_text}; "
            f"--accent: {self.accent}; --tint: {self.tint};"
        )


PALETTES: dict[str, Palette] = {
    Color.RED: Palette(colour="#d64541", accent="#b03a2e", tint="#fbeeed"),
    Color.BLUE: Palette(colour="#2f7ed8", accent="#1f5fa8", tint="#eef3fa"),
    Color.GREEN: Palette(colour="#27ae60", accent="#1e7d4f", tint="#ecf7f1"),
    Color.YELLOW: Palette(colour="#f4c430", accent="#8a6a00", tint="#fdf8e6"),
    Color.PURPLE: Palette(colour="#8e44ad", accent="#6c3483", tint="#f4eef7"),
    Color.BLACK: Palette(colour="#1f2933", accent="#1f2933", tint="#f0f1f3"),
    Color.WHITE: Palette(colour="#ffffff", accent="#52606d", tint="#f5f7fa"),
}


def palette_for(colour: str) -> Palette:
    """The palette of a favourite colour; an unknown one (an old row) gets Blue's."""
    return PALETTES.get(colour, PALETTES[Color.BLUE])
