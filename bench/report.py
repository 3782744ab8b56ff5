"""Figures, ratios against goals, and the table `make bench` prints."""

import json
import math
import statistics
from dataclasses import asdict, dataclass


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile: p99 of 100 values is the 99th smallest, never an interpolation."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


@dataclass
class Row:
    benchmark: str
    metric: str
    product: float
    baseline: float | None = None
    unit: str = "ms"
    # The goal on product/baseline (or on product alone when there is no baseline): "<= 1.5".
    goal: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0) or math.isnan(self.baseline):
            return None
        return self.product / self.baseline

    @property
    def met(self) -> bool | None:
        if not self.goal:
            return None
        operator, limit = self.goal.split()
        value = self.ratio if self.ratio is not None else self.product
        return value <= float(limit) if operator == "<=" else value >= float(limit)


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "MiB":
        return f"{value:.1f} MiB"
    if unit == "%":
        return f"{value:.1f} %"
    return f"{value:.2f} {unit}".strip()


def table(rows: list[Row]) -> str:
    header = ["benchmark", "metric", "product", "baseline", "ratio", "goal", "met", "note"]
    lines = [header]
    for row in rows:
        met = {True: "yes", False: "NO", None: ""}[row.met]
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
        lines.append(
            [
                row.benchmark,
                row.metric,
                _number(row.product, row.unit),
                _number(row.baseline, row.unit) if row.baseline is not None else "",
                ratio,
                row.goal,
                met,
                row.note,
            ]
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    rendered = ["| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)) + " |" for line in lines]
    rendered.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(rendered)


def to_json(rows: list[Row], context: dict) -> str:
    return json.dumps(
        {"context": context, "rows": [{**asdict(row), "ratio": row.ratio, "met": row.met} for row in rows]}, indent=2
    )
