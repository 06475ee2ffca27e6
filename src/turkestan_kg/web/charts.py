"""Charts drawn from the graph as SVG on the server: the 1922 composition, the leadership
timeline, and the organizational hierarchy. No numbers are typed in here: each chart is
computed from stored query results.

>>> svg = composition_chart([("Russians", 9424, "49.7"), ("Uzbek", 2021, "10.7")])
>>> svg.startswith("<svg") and "9,424" in svg
True
"""

from __future__ import annotations

from html import escape

FONT = 'font-family="system-ui, sans-serif" font-size="13"'
COLOURS = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1")


def composition_chart(rows: list[tuple[str, int, str]], *, width: int = 640) -> str:
    """Horizontal bars: one per category, with its count and printed percentage."""
    bar_h, gap, left = 24, 8, 230
    top = max((n for _, n, _ in rows), default=1)
    height = len(rows) * (bar_h + gap) + gap
    parts = [_open(width, height, "Party membership in 1922 by ethnic category")]
    for i, (label, count, pct) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = max(1, round((width - left - 120) * count / top))
        parts.append(
            f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" {FONT}>{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{left}" y="{y}" width="{w}" height="{bar_h}" fill="{COLOURS[i % len(COLOURS)]}"><title>{escape(label)}: {count:,} ({escape(pct)} %)</title></rect>'
        )
        parts.append(
            f'<text x="{left + w + 6}" y="{y + 17}" {FONT}>{count:,} ({escape(pct)} %)</text>'
        )
    return "".join(parts) + "</svg>"


def timeline_chart(
    tenures: list[tuple[str, int, int]], *, first: int, last: int, width: int = 640
) -> str:
    """One row per person (name, start year, end year), a bar per tenure on a year axis:
    a person who led twice has two bars on one row, and overlaps between people stay visible.

    >>> svg = timeline_chart([("A", 1918, 1919), ("B", 1919, 1920), ("A", 1921, 1921)], first=1918, last=1921)
    >>> svg.count("<rect"), svg.count(">A</text>")
    (3, 1)
    """
    people = list(dict.fromkeys(name for name, _, _ in tenures))
    row_h, left, top_pad = 26, 170, 24
    years = list(range(first, last + 1))
    unit = (width - left - 20) / max(1, len(years))
    height = top_pad + len(people) * row_h + 8
    parts = [_open(width, height, "Leaders of the Communist Party of Turkestan")]
    for i, year in enumerate(years):
        x = left + i * unit
        parts.append(
            f'<text x="{x + unit / 2:.1f}" y="15" text-anchor="middle" {FONT}>{year}</text>'
        )
        parts.append(f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{height}" stroke="#ddd"/>')
    for i, person in enumerate(people):
        y = top_pad + i * row_h
        parts.append(
            f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" {FONT}>{escape(person)}</text>'
        )
        for name, start, end in tenures:
            if name != person:
                continue
            x = left + (start - first) * unit
            w = (end - start + 1) * unit
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" rx="3" fill="{COLOURS[i % len(COLOURS)]}"><title>{escape(name)}: {start}-{end}</title></rect>'
            )
    return "".join(parts) + "</svg>"


def hierarchy_chart(edges: list[tuple[str, str, int]], *, width: int = 640) -> str:
    """The hierarchy as an indented tree: (body, parent, depth) with depth 1 under the top."""
    rows: list[tuple[str, int]] = []
    if edges:
        top = next(parent for _, parent, depth in edges if depth == 1)
        rows.append((top, 0))
        rows += [(body, depth) for body, _, depth in sorted(edges, key=lambda e: e[2])]
    row_h = 34
    height = len(rows) * row_h + 10
    parts = [_open(width, height, "Organizational hierarchy")]
    for i, (name, depth) in enumerate(rows):
        x, y = 10 + depth * 36, 6 + i * row_h
        if depth:
            parts.append(f'<path d="M{x - 22},{y - 8} V{y + 13} H{x}" fill="none" stroke="#888"/>')
        w = min(width - x - 10, 12 + 7.2 * len(name))
        parts.append(
            f'<rect x="{x}" y="{y}" width="{w:.0f}" height="26" rx="4" fill="#eef3f9" stroke="#4e79a7"/>'
        )
        parts.append(f'<text x="{x + 8}" y="{y + 17}" {FONT}>{escape(name)}</text>')
    return "".join(parts) + "</svg>"


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>'
    )
