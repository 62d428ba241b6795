"""Small inline SVG charts drawn on the server, so pages need no JavaScript or CDN.

Only numbers and escaped labels go into the markup, so the SVG is safe to inline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from markupsafe import Markup


def sparkline_svg(counts: Sequence[int], width: int = 120, height: int = 24) -> Markup:
    """A bar sparkline of ``counts`` (oldest first), labelled for screen readers; it
    scales to its box (CSS sets the width), so it never crowds a narrow card."""
    total = sum(counts)
    label = f"{total} new article{'s' if total != 1 else ''} or change{'s' if total != 1 else ''}"
    label += " over the story's period"
    if not counts:
        return Markup(
            f'<svg class="spark" role="img" aria-label="{label}" width="{width}" '
            f'height="{height}"></svg>'
        )
    top = max(counts) or 1
    step = width / len(counts)
    bar = max(min(step - 1, width / 24), 1)  # a story of one moment is one thin bar
    bars = []
    for i, count in enumerate(counts):
        h = 0 if count == 0 else max(2.0, (height - 2) * count / top)
        bars.append(
            f'<rect x="{i * step + (step - bar) / 2:.1f}" y="{height - h:.1f}" width="{bar:.1f}"'
            f' height="{h:.1f}"/>'
        )
    base = f'<line x1="0" y1="{height - 0.5}" x2="{width}" y2="{height - 0.5}" class="base"/>'
    return Markup(
        f'<svg class="spark" role="img" aria-label="{label}" '
        f'viewBox="0 0 {width} {height}" preserveAspectRatio="none"><title>{label}</title>'
        f"{base}{''.join(bars)}</svg>"
    )


@dataclass(frozen=True)
class ChartEvent:
    """One point on the timeline chart."""

    when: datetime
    kind: str
    label: str


def timeline_svg(
    events: Sequence[ChartEvent],
    width: int = 720,
    height: int = 90,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Markup:
    """Events along a time axis from ``start`` to ``end`` (default: the first and last
    event), one dot each, coloured by kind (CSS class ``k-<kind>``)."""
    if not events:
        return Markup("")
    ordered = sorted(events, key=lambda e: e.when)
    first = min(start or ordered[0].when, ordered[0].when)
    last = max(end or ordered[-1].when, ordered[-1].when)
    span = (last - first).total_seconds() or 1.0
    pad = 16
    axis_y = height - 28
    parts = [f'<line x1="{pad}" y1="{axis_y}" x2="{width - pad}" y2="{axis_y}" class="axis"/>']
    for i, event in enumerate(ordered):
        x = pad + (width - 2 * pad) * (event.when - first).total_seconds() / span
        y = axis_y - 10 - 14 * (i % 3)
        kind = escape(event.kind.replace(" ", "_"))
        text = escape(f"{event.when:%Y-%m-%d %H:%M} UTC {event.kind}: {event.label}")
        parts.append(
            f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{y:.1f}" class="stem"/>'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" class="k-{kind}">'
            f"<title>{text}</title></circle>"
        )
    for moment, anchor, x in ((first, "start", pad), (last, "end", width - pad)):
        parts.append(
            f'<text x="{x}" y="{height - 8}" text-anchor="{anchor}">'
            f"{moment:%Y-%m-%d %H:%M} UTC</text>"
        )
    label = f"timeline of {len(ordered)} events"
    return Markup(
        f'<svg class="timeline-chart" role="img" aria-label="{label}" '
        f'viewBox="0 0 {width} {height}" width="100%"><title>{label}</title>'
        f"{''.join(parts)}</svg>"
    )
