"""Charts drawn on the server as SVG: no JavaScript library, nothing fetched, and they print.
Each chart has a title and a text description for screen readers; the page shows its figures in a
table too."""

from __future__ import annotations

from itertools import count
from typing import Sequence

from markupsafe import Markup, escape

_ids = count(1)
PALETTE = ("#0b5d3b", "#1f6fb2", "#b35900", "#6b3fa0", "#8a1c00", "#2e7d32")
# Sized for a phone: at ~330 px wide the labels stay at about 13 px.
ROW, LABEL_W, WIDTH, VALUE_W = 24, 128, 360, 36


def bar_chart(title: str, items: Sequence[tuple[str, float]], *, unit: str = "", max_value: float | None = None,
              css_class: str = "chart") -> Markup:
    """Horizontal bars, one per (label, value)."""
    n = next(_ids)
    top = max([max_value or 0] + [v for _, v in items]) or 1
    height = ROW * max(len(items), 1) + 10
    bar_space = WIDTH - LABEL_W - VALUE_W
    parts = [f'<svg class="{css_class}" role="img" aria-labelledby="chart-{n}-t chart-{n}-d" '
             f'viewBox="0 0 {WIDTH} {height}" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="chart-{n}-t">{escape(title)}</title>',
             f'<desc id="chart-{n}-d">{escape("; ".join(f"{label}: {_fmt(v)}{unit}" for label, v in items))}</desc>']
    for i, (label, value) in enumerate(items):
        y = 5 + i * ROW
        w = 0 if value <= 0 else max(2, round(bar_space * value / top))
        colour = PALETTE[i % len(PALETTE)]
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 16}" text-anchor="end">{escape(_short(label))}</text>')
        parts.append(f'<rect x="{LABEL_W}" y="{y + 3}" width="{w}" height="{ROW - 8}" fill="{colour}" rx="2"/>')
        parts.append(f'<text x="{LABEL_W + w + 4}" y="{y + 16}">{escape(_fmt(value))}{escape(unit)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def funnel_chart(title: str, stages: Sequence[tuple[str, int]]) -> Markup:
    """planned → sent → delivered → read, each bar as wide as its share of the first."""
    return bar_chart(title, stages, max_value=stages[0][1] if stages else None)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".replace(".", ",")


def _short(label: str, limit: int = 18) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
