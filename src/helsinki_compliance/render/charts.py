"""Charts for reports: matplotlib figures rendered to inline SVG, byte-identical across runs.

Every chart is drawn on a bare :class:`~matplotlib.figure.Figure` with the Agg canvas (no
pyplot, no global backend switch, nothing left open) inside an ``rc_context`` that

* fixes ``svg.hashsalt`` (per chart, so the ids of two charts in one page never collide),
* keeps text as text (``svg.fonttype: none``) and never parses labels as mathtext
  (``text.parse_math: False``, ``text.usetex: False``) -- labels from data are plain text that
  matplotlib escapes when it writes the SVG,
* drops the date and the other metadata from the output.

The returned string is an ``<svg>`` element without the XML prolog or DOCTYPE, ready to be put
in an HTML page; every ``id`` in it (and every reference to one) carries the chart's prefix.
"""

from __future__ import annotations

import html
import io
import math
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["line_chart", "small_multiples", "style_of", "labelled"]

# line styles and markers so that series differ by more than their colour
_STYLES = ("-", "--", "-.", ":")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
_COLOURS = ("#1f4e79", "#b35900", "#2e7d32", "#7b1fa2", "#c62828", "#00838f", "#5d4037", "#455a64")

_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "text.parse_math": False,
    "text.usetex": False,
    "font.size": 9,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "axes.titlesize": 10,
    "legend.fontsize": 8,
    "svg.image_inline": True,
}
_NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}
_ID_RE = re.compile(r'\bid="([^"]+)"')
MAX_TICKS = 24


def _safe_key(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", key) or "chart"


def _to_svg(fig: Figure, key: str) -> str:
    """The figure as an inline ``<svg>`` element with every id prefixed by ``key``."""
    prefix = f"chart-{_safe_key(key)}-"
    buf = io.StringIO()
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # heavy (about 0.4 s): only when drawing

    FigureCanvasAgg(fig)
    fig.savefig(buf, format="svg", metadata=_NO_METADATA)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    ids = set(_ID_RE.findall(svg))

    def fix_ref(m: re.Match[str]) -> str:
        ref = m.group(2)
        return f"{m.group(1)}#{prefix}{ref}" if ref in ids else m.group(0)

    svg = _ID_RE.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r'(xlink:href="|href="|url\()#([^")]+)', fix_ref, svg)
    return svg.strip() + "\n"


def labelled(svg: str, alt: str) -> str:
    """The chart with its text alternative: ``role="img"``, ``aria-label`` and a ``<title>`` (escaped)."""
    text = html.escape(alt, quote=True)
    head, sep, rest = svg.partition("<svg")
    end = rest.index(">")
    return f'{head}{sep} role="img" aria-label="{text}"{rest[:end]}><title>{text}</title>{rest[end + 1 :]}'


def _tick_positions(n: int) -> list[int]:
    if n <= MAX_TICKS:
        return list(range(n))
    step = math.ceil(n / MAX_TICKS)
    return list(range(0, n, step))


def _plot(
    key: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str,
    ylabel: str,
    ylim: tuple[float, float],
    yticks: Mapping[str, float] | None = None,
    bands: Mapping[str, Sequence[tuple[float, float] | None]] | None = None,
) -> str:
    rc: Any = {**_RC, "svg.hashsalt": f"helsinki-compliance:{key}"}  # a fixed salt per chart
    import matplotlib  # heavy (about 0.4 s): only when drawing
    from matplotlib.figure import Figure

    with matplotlib.rc_context(rc):
        n = len(labels)
        width = min(12.0, max(6.5, 0.32 * n + 4.5))
        fig = Figure(figsize=(width, 3.4))
        ax = fig.add_subplot(1, 1, 1)
        xs = list(range(n))
        for i, (name, values) in enumerate(series.items()):
            ys = [math.nan if v is None else float(v) for v in values]
            ax.plot(
                xs,
                ys,
                label=str(name),
                linestyle=_STYLES[i % len(_STYLES)],
                marker=_MARKERS[i % len(_MARKERS)],
                color=_COLOURS[i % len(_COLOURS)],
                linewidth=1.5,
                markersize=4,
            )
            _ribbon(ax, xs, (bands or {}).get(name), _COLOURS[i % len(_COLOURS)])
        if yticks is not None:
            ax.set_yticks(list(yticks.values()))
            ax.set_yticklabels([str(k) for k in yticks])
        ax.set_ylim(*ylim)
        ax.set_xlim(-0.5, max(n - 0.5, 0.5))
        ticks = _tick_positions(n)
        ax.set_xticks(ticks)
        rotate = n > 8 or any(len(str(labels[i])) > 8 for i in ticks)
        ax.set_xticklabels(
            [str(labels[i]) for i in ticks], rotation=40 if rotate else 0, ha="right" if rotate else "center"
        )
        if ylabel:
            ax.set_ylabel(ylabel)
        ax.set_title(str(title))
        ax.grid(True, axis="y", linewidth=0.5, alpha=0.5)
        if series:
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        fig.tight_layout()
        return _to_svg(fig, key)


def _ribbon(ax: Any, xs: Sequence[int], band: Sequence[tuple[float, float] | None] | None, colour: str) -> None:
    """A series' sensitivity band (method 3) as a translucent ribbon around its line."""
    if not band:
        return
    lo = [math.nan if b is None else b[0] for b in band]
    hi = [math.nan if b is None else b[1] for b in band]
    ax.fill_between(xs, lo, hi, color=colour, alpha=0.18, linewidth=0)


def line_chart(
    key: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str,
    ylabel: str = "score (0-100)",
    ymax: float = 100.0,
    bands: Mapping[str, Sequence[tuple[float, float] | None]] | None = None,
) -> str:
    """One line per series over the periods ``labels``; ``None`` values are gaps; ``bands`` (per series,
    per period, low and high on the same scale) are drawn as ribbons around the lines.

    Series are drawn in the order given, each with its own line style and marker.
    """
    return _plot(key, labels, series, title=title, ylabel=ylabel, ylim=(-ymax * 0.04, ymax * 1.04), bands=bands)


# one colour per state (20 distinct, from matplotlib's tab20, darkened where pale) and one marker each
STATE_COLOURS = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#ff7f0e",
    "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363",
)  # fmt: skip
STATE_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*", "<", ">", "h", "p", "d", "8", "H", "1", "2", "3", "4", "+")


def style_of(index: int) -> tuple[str, str]:
    """The colour and marker of the ``index``-th series of a small-multiples chart (distinct up to 20)."""
    return STATE_COLOURS[index % len(STATE_COLOURS)], STATE_MARKERS[index % len(STATE_MARKERS)]


def small_multiples(
    key: str,
    labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str,
    ncols: int = 6,
    ymax: float = 100.0,
    notes: Mapping[str, Sequence[str]] | None = None,
    yticks: Sequence[str] | None = None,
    bands: Mapping[str, Sequence[tuple[float, float] | None]] | None = None,
) -> str:
    """One small panel per series on shared axes (no legend to decode: each panel is titled).

    Each series keeps its own colour and marker (:func:`style_of`); ``None`` values are gaps.
    ``notes``: lines of words under a panel's title (e.g. the latest verdict);
    ``yticks``: the labels of the bottom, middle and top of the scale (default the numbers).
    A panel's title is never cut: too wide for its panel, it is set smaller, then on two lines."""
    rc: Any = {**_RC, "svg.hashsalt": f"helsinki-compliance:{key}"}
    import matplotlib  # heavy (about 0.4 s): only when drawing
    from matplotlib.figure import Figure

    with matplotlib.rc_context(rc):
        n = max(len(series), 1)
        cols = min(ncols, n)
        rows = math.ceil(n / cols)
        fig = Figure(figsize=(2.0 * cols + 0.6, 1.55 * rows + 0.7))
        xs = list(range(len(labels)))
        ticks = [0, len(labels) - 1] if len(labels) > 1 else [0]
        titles: list[tuple[Any, Any]] = []
        for i, (name, values) in enumerate(series.items()):
            ax = fig.add_subplot(rows, cols, i + 1)
            colour, marker = style_of(i)
            ys = [math.nan if v is None else float(v) for v in values]
            ax.plot(xs, ys, color=colour, marker=marker, markersize=3.5, linewidth=1.4)
            _ribbon(ax, xs, (bands or {}).get(name), colour)
            ax.set_ylim(-ymax * 0.05, ymax * 1.05)
            ax.set_xlim(-0.5, max(len(labels) - 0.5, 0.5))
            ax.set_yticks([0, ymax / 2, ymax])
            if yticks is not None:
                ax.set_yticklabels(list(yticks))
            ax.set_xticks(ticks)
            ax.set_xticklabels([str(labels[t]) for t in ticks] if labels else [])
            ax.tick_params(labelsize=7, length=2)
            if i % cols:
                ax.set_yticklabels([])
            heading = "\n".join([str(name), *(notes or {}).get(name, ())])
            titles.append((ax, ax.set_title(heading, fontsize=9, loc="left")))
            ax.grid(True, axis="y", linewidth=0.5, alpha=0.5)
        fig.suptitle(str(title), fontsize=10)
        fig.tight_layout()
        _fit_titles(fig, titles)
        return _to_svg(fig, key)


def _fit_titles(fig: Figure, titles: Sequence[tuple[Any, Any]]) -> None:
    """Every panel title within its panel's width: a smaller font, then two lines; never cut."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()  # type: ignore[no-untyped-call]
    changed = False
    for ax, t in titles:
        width = ax.get_window_extent(renderer).width
        size = float(t.get_fontsize())
        while t.get_window_extent(renderer).width > width and size > 6.5:
            size -= 0.5
            t.set_fontsize(size)
            changed = True
        if t.get_window_extent(renderer).width > width and "\n" not in t.get_text():
            words = t.get_text().split(" ")
            half = max(1, len(words) // 2)
            t.set_text(" ".join(words[:half]) + "\n" + " ".join(words[half:]))
            changed = True
    if changed:
        fig.tight_layout()
