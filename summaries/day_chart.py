"""The admin overview's picture of the last day, as shapes for an inline SVG (overview.html).

Drawn on the server, so the page needs no script and nothing from elsewhere. Colours are SVG
presentation attributes, not style attributes: the Content-Security-Policy allows no inline style.
"""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from summaries.services.last_day import Hour, last_day_by_hour

WIDTH, HEIGHT = 720, 200
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 24
SERIES = (
    ("received", _("Received"), "#447e9b"),
    ("sent", _("Sent"), "#2e8540"),
    ("failed", _("Failed"), "#ba2121"),
)
WAITS = (("median_wait", _("Median"), "#447e9b"), ("p95_wait", _("95th percentile"), "#ba2121"))


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[dict] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    x_labels: list[dict] = field(default_factory=list)
    y_labels: list[dict] = field(default_factory=list)
    legend: list[dict] = field(default_factory=list)
    baseline: float = HEIGHT - BOTTOM


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 1.5, 2, 3, 5 or 7 times a power of ten that is at least `value`."""
    magnitude = 10 ** math.floor(math.log10(value))
    return next(step * magnitude for step in (1, 1.5, 2, 3, 5, 7, 10) if step * magnitude >= value)


def _slot_width(count: int) -> float:
    return (WIDTH - LEFT - RIGHT) / count


def _y(value: float, top_value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value / top_value)


def _axes(chart: Chart, hours: list[Hour], top_value: float, unit: str) -> None:
    slot = _slot_width(len(hours))
    for index, hour in enumerate(hours):
        if index % 3 == 0:
            chart.x_labels.append({"x": round(LEFT + index * slot + slot / 2, 1), "text": f"{hour.start:%H}:00"})
    for value in (0, top_value / 2, top_value):
        chart.y_labels.append({"y": round(_y(value, top_value) + 4, 1), "text": f"{value:g}{unit}"})


def _legend(chart: Chart, series) -> None:
    for index, (_name, label, colour) in enumerate(series):
        chart.legend.append({"x": LEFT + 8 + index * 150, "y": TOP + 2, "label": label, "colour": colour})


def counts_chart(hours: list[Hour]) -> Chart:
    """Received, sent and failed side by side for each hour."""
    chart = Chart()
    top_value = max([1, *(getattr(hour, name) for hour in hours for name, _label, _colour in SERIES)])
    slot = _slot_width(len(hours))
    bar = slot / (len(SERIES) + 1)
    for index, hour in enumerate(hours):
        for position, (name, label, colour) in enumerate(SERIES):
            value = getattr(hour, name)
            y = _y(value, top_value)
            chart.bars.append(
                {
                    "x": round(LEFT + index * slot + (position + 0.5) * bar, 1),
                    "y": round(y, 1),
                    "width": round(bar, 1),
                    "height": round(chart.baseline - y, 1),
                    "colour": colour,
                    "title": f"{hour.start:%H}:00 {label}: {value}",
                }
            )
    _axes(chart, hours, top_value, "")
    _legend(chart, SERIES)
    return chart


def waits_chart(hours: list[Hour]) -> Chart:
    """The median and 95th percentile wait from submit to email, one point per hour with sent emails."""
    chart = Chart()
    top_value = nice_ceiling(
        max([1.0, *(getattr(hour, name) or 0 for hour in hours for name, _label, _colour in WAITS)])
    )
    slot = _slot_width(len(hours))
    for name, label, colour in WAITS:
        points = [
            (round(LEFT + index * slot + slot / 2, 1), round(_y(getattr(hour, name), top_value), 1))
            for index, hour in enumerate(hours)
            if getattr(hour, name) is not None
        ]
        chart.lines.append(
            {
                "points": " ".join(f"{x},{y}" for x, y in points),
                "dots": [{"x": x, "y": y} for x, y in points],
                "colour": colour,
                "label": label,
            }
        )
    _axes(chart, hours, top_value, " s")
    _legend(chart, WAITS)
    return chart


def last_day_context() -> dict:
    """What the overview's last_day.html draws."""
    last_day = last_day_by_hour()
    return {
        "counts_chart": counts_chart(last_day.hours),
        "waits_chart": waits_chart(last_day.hours),
        "last_day_totals": last_day.totals,
    }
