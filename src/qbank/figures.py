"""Figures drawn from each variant's values: a question's ``figure:`` or ``figures:``.

A figure is declared, not programmed: its ``kind`` (histogram, boxplot, scatter, line, bar,
function), formulas for its data (``x``, ``y``, or ``f`` of ``x`` from ``from`` to ``to``),
labels and a required ``alt`` text. The bank reads it as a :class:`FigureSpec`; the
generator compiles its formulas once per question (:func:`compile_figure`), works them
out for each distinct draw (:func:`evaluate`) and draws the result once (:func:`draw`) into
a PNG :class:`~qbank.model.ImageFile` named by a hash of its spec and data,
``figure:<hash16>`` (:func:`figure_digest`). A run with many figures draws them in worker
processes (:mod:`qbank.figure_pool`).

Drawing is bounded (:mod:`qbank.limits`: points, size, samples of a function) and
reproducible: a fixed style (DejaVu Sans, black on white, markers and outlines rather than
colours, so it prints in black and white), a fixed resolution, no time stamp or software
name in the file. The same values give the same bytes with the same versions of
matplotlib and Pillow. matplotlib is imported when the first figure is drawn, so banks
without figures do not pay for it (about a second on a slow machine), and the user's
``matplotlibrc`` plays no part: the style is set from matplotlib's defaults inside an
``rc_context``, and the figure is drawn on its own Agg canvas (no pyplot, no global
backend).
"""

from __future__ import annotations

import difflib
import hashlib
import io
import math
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BeforeValidator, Field, WithJsonSchema

from . import limits, numeric
from .errors import TemplateProblem
from .kinds.fields import FORMULA_SCHEMA, FieldModel, Flag, Num, Text
from .model import ImageFile

if TYPE_CHECKING:
    from .figure_pool import FigurePool

#: The kinds of figure, in the order the docs list them.
FIGURE_KINDS = ("histogram", "boxplot", "scatter", "line", "bar", "function")
#: Which data each kind needs (besides ``alt``).
NEEDS: dict[str, tuple[str, ...]] = {
    "histogram": ("x",),
    "boxplot": ("x",),
    "scatter": ("x", "y"),
    "line": ("x", "y"),
    "bar": ("x", "y"),
    "function": ("f", "from", "to"),
}
#: The fields each kind may use beyond the common ones (alt, labels, size).
ALLOWED: dict[str, frozenset[str]] = {
    "histogram": frozenset({"x"}),
    "boxplot": frozenset({"x"}),
    "scatter": frozenset({"x", "y", "fit"}),
    "line": frozenset({"x", "y"}),
    "bar": frozenset({"x", "y"}),
    "function": frozenset({"f", "from", "to", "points"}),
}
#: Resolution of the PNG, in dots per inch: sharp on paper, small in a deck.
DPI = 150
CM_PER_INCH = 2.54
#: The size of a figure when the bank does not give one, in cm.
DEFAULT_WIDTH_CM = 12
DEFAULT_HEIGHT_CM = 8
MIN_CM = 2


def _kind(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in FIGURE_KINDS:
        return value.strip().lower()
    shown = f"'{value}' " if isinstance(value, (str, int)) else ""
    close = difflib.get_close_matches(str(value), FIGURE_KINDS, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise ValueError(
        f"{shown}is not a kind of figure{hint}; the kinds are {', '.join(FIGURE_KINDS)}"
    )


def _formula(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise ValueError("should be a formula, e.g. x or round(rnorm(30, 50, 10), 1)")
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("is empty; write a formula")
        return value
    return numeric.plain(value)


Formula = Annotated[str, BeforeValidator(_formula), WithJsonSchema(FORMULA_SCHEMA)]
Kind = Annotated[
    str,
    BeforeValidator(_kind),
    WithJsonSchema({"type": "string", "enum": list(FIGURE_KINDS)}),
]


def _doc(description: str, *examples: Any) -> Any:
    """A field's words and examples for the JSON Schema and the reference docs."""
    return Field(description=description, examples=list(examples))


class FigureSpec(FieldModel):
    """A figure drawn from each version's values: `kind`, its data, labels and `alt`."""

    kind: Annotated[
        Kind,
        _doc(
            "What to draw: `histogram` (of `x`), `boxplot` (of `x`), `scatter` (`x` against "
            "`y`; `fit: true` adds the least-squares line), `line` (`y` against `x`, joined), "
            "`bar` (one bar per label in `x`, heights `y`) or `function` (the formula `f` of "
            "`x` from `from` to `to`).",
            "scatter",
            "function",
        ),
    ]
    alt: Annotated[
        Text,
        _doc(
            "What the figure shows, in words, for a reader who cannot see it (screen "
            "readers, Moodle, Anki); a template: `{{ }}` puts a value in. Required.",
            "Scatter plot of weight against height for {{ n }} students",
        ),
    ]
    x: Annotated[
        Formula | None,
        _doc(
            "The data: a formula giving a list (usually a `let` value), e.g. `x` or "
            "`round(rnorm(30, 50, 10), 1)`. For `bar`: the labels of the bars.",
            "heights",
            "[1, 2, 3, 4]",
        ),
    ] = None
    y: Annotated[
        Formula | None,
        _doc("The second list, as long as `x`: `scatter`, `line`, `bar` (the heights).", "weights"),
    ] = None
    f: Annotated[
        Formula | None,
        _doc(
            "For `function`: a formula of `x` (other names are the question's values).",
            "a * x ** 2 + b * x + c",
            "v * x - 4.9 * x ** 2",
        ),
    ] = None
    from_: Annotated[
        Formula | None,
        Field(
            alias="from",
            description="For `function`: the first `x` drawn (a formula).",
            examples=[0, "-5"],
        ),
    ] = None
    to: Annotated[
        Formula | None,
        _doc("For `function`: the last `x` drawn (a formula).", 10, "2 * v / 9.8"),
    ] = None
    points: Annotated[
        Formula | None,
        _doc(
            "For `function`: values of `x` whose points are marked on the curve (a number "
            "or a list).",
            "[x1, x2]",
            "root",
        ),
    ] = None
    fit: Annotated[
        Flag, _doc("For `scatter`: draw the least-squares line too (default false).", True)
    ] = False
    xlabel: Annotated[Text, _doc("The label of the x axis (a template).", "Height (cm)")] = ""
    ylabel: Annotated[Text, _doc("The label of the y axis (a template).", "Weight (kg)")] = ""
    title: Annotated[Text, _doc("A title above the figure (a template).", "Sample {{ k }}")] = ""
    width: Annotated[
        Num,
        _doc(
            f"Width in centimetres (default {DEFAULT_WIDTH_CM}, from {MIN_CM} to "
            f"{limits.MAX_FIGURE_WIDTH_CM}; an inch is 2.54 cm).",
            12,
            16.5,
        ),
    ] = DEFAULT_WIDTH_CM
    height: Annotated[
        Num,
        _doc(
            f"Height in centimetres (default {DEFAULT_HEIGHT_CM}, from {MIN_CM} to "
            f"{limits.MAX_FIGURE_HEIGHT_CM}).",
            8,
        ),
    ] = DEFAULT_HEIGHT_CM

    def formulas(self) -> dict[str, str]:
        """Its formulas by field name (``from`` as written in the bank)."""
        found = {"x": self.x, "y": self.y, "f": self.f, "from": self.from_, "to": self.to}
        found["points"] = self.points
        return {name: source for name, source in found.items() if source is not None}

    def written(self) -> set[str]:
        """The fields given a value in the bank (``from`` as written)."""
        return {"from" if n == "from_" else n for n in self.model_fields_set}


def check_spec(spec: FigureSpec) -> list[tuple[str, str]]:
    """What a figure lacks or has too much of, as ``(message, field)``."""
    out = []
    for name in NEEDS[spec.kind]:
        if name not in spec.written():
            out.append((f"a {spec.kind} figure needs '{name}'", name))
    common = {"kind", "alt", "xlabel", "ylabel", "title", "width", "height"}
    for name in sorted(spec.written() - common - ALLOWED[spec.kind]):
        users = [k for k in FIGURE_KINDS if name in ALLOWED[k]]
        out.append(
            (
                f"'{name}' does not belong to a {spec.kind} figure (it is for {', '.join(users)})",
                name,
            )
        )
    if not spec.alt.strip():
        out.append(("'alt' is empty: say in words what the figure shows", "alt"))
    for name, value, top in (
        ("width", spec.width, limits.MAX_FIGURE_WIDTH_CM),
        ("height", spec.height, limits.MAX_FIGURE_HEIGHT_CM),
    ):
        if not MIN_CM <= value <= top:
            out.append(
                (f"'{name}' should be from {MIN_CM} to {top} cm, not {numeric.plain(value)}", name)
            )
    return out


# -- compiling and working out ------------------------------------------------------------


@dataclass(frozen=True)
class CompiledFigure:
    """A figure's formulas and templates, compiled once per question."""

    spec: FigureSpec
    #: How problems name it: ``figure`` or ``figures.2``.
    label: str
    formulas: Mapping[str, Any]  # field -> compiled formula (Compiled)
    texts: Mapping[str, Any]  # alt, xlabel, ylabel, title -> compiled template


#: (source, field, known) -> compiled formula or None; (source, field) -> template.
FormulaCompiler = Callable[[str, str, set[str]], Any]
TemplateCompiler = Callable[[str, str], Any]


def compile_figure(
    spec: FigureSpec,
    label: str,
    known: set[str],
    formula: FormulaCompiler,
    template: TemplateCompiler,
) -> CompiledFigure:
    """Compile a figure's formulas (``f`` also knows ``x``) and texts; problems go where the
    compilers put them."""
    formulas = {}
    for name, source in spec.formulas().items():
        compiled = formula(source, f"{label}.{name}", known | {"x"} if name == "f" else known)
        if compiled is not None:
            formulas[name] = compiled
    texts = {
        name: template(getattr(spec, name), f"{label}.{name}")
        for name in ("alt", "xlabel", "ylabel", "title")
    }
    return CompiledFigure(spec, label, formulas, texts)


@dataclass(frozen=True)
class FigureData:
    """What one draw makes of a figure: numbers and texts, ready to draw."""

    kind: str
    alt: str
    xlabel: str
    ylabel: str
    title: str
    width_cm: float
    height_cm: float
    x: tuple[Any, ...] = ()  # numbers, or for a bar chart its labels (texts)
    y: tuple[float, ...] = ()
    fit: bool = False
    #: A function's marked points, (x, y).
    marks: tuple[tuple[float, float], ...] = ()


def evaluate(
    figure: CompiledFigure, values: Mapping[str, Any], at: Callable[[str], None]
) -> FigureData:
    """Work out a figure's data for one draw's ``values``. ``at(field)`` names the step for
    error messages; a formula that fails or data that cannot be drawn is a
    :class:`TemplateProblem` in a teacher's words."""
    spec, label = figure.spec, figure.label
    texts = {}
    for name, compiled in figure.texts.items():
        at(f"{label}.{name}")
        texts[name] = " ".join(str(compiled.run(values)).split())
    run = {}
    for name, compiled in figure.formulas.items():
        if name == "f":
            continue
        at(f"{label}.{name}")
        run[name] = compiled.run(values)
    data: dict[str, Any] = {}
    if spec.kind == "function":
        at(f"{label}.from")
        start = _number(run["from"], "from")
        at(f"{label}.to")
        end = _number(run["to"], "to")
        if not start < end:
            raise TemplateProblem(f"'from' ({start:g}) should be less than 'to' ({end:g})")
        at(f"{label}.f")
        xs, ys = _sample(figure.formulas["f"], values, start, end)
        marks: list[tuple[float, float]] = []
        if "points" in run:
            at(f"{label}.points")
            for px in _numbers(run["points"], "points", allow_one=True):
                marks.append((px, _f(figure.formulas["f"], values, px)))
        data = {"x": xs, "y": ys, "marks": tuple(marks)}
    elif spec.kind == "bar":
        at(f"{label}.x")
        labels = run["x"] if isinstance(run["x"], (list, tuple)) else [run["x"]]
        shown = tuple(v if isinstance(v, str) else numeric.plain(v) for v in labels)
        at(f"{label}.y")
        data = {"x": shown, "y": _numbers(run["y"], "y", allow_one=True)}
        if len(data["x"]) != len(data["y"]):
            raise TemplateProblem(
                f"'x' has {len(data['x'])} labels and 'y' {len(data['y'])} heights; give one "
                "height per bar"
            )
    else:
        at(f"{label}.x")
        data = {"x": _numbers(run["x"], "x")}
        if "y" in run:
            at(f"{label}.y")
            data["y"] = _numbers(run["y"], "y")
            if len(data["x"]) != len(data["y"]):
                raise TemplateProblem(
                    f"'x' has {len(data['x'])} values and 'y' {len(data['y'])}; a point needs "
                    "one of each"
                )
    return FigureData(
        kind=spec.kind,
        alt=texts["alt"],
        xlabel=texts["xlabel"],
        ylabel=texts["ylabel"],
        title=texts["title"],
        width_cm=float(spec.width),
        height_cm=float(spec.height),
        fit=spec.fit,
        **data,
    )


def _number(value: Any, name: str) -> float:
    if isinstance(value, bool) or not numeric.is_number(value):
        raise TemplateProblem(f"'{name}' should be a number, not {_shown(value)}")
    number = float(value)
    if not math.isfinite(number) or abs(number) > 1e15:
        raise TemplateProblem(f"'{name}' is too large to draw: {numeric.plain(value)}")
    return number


def _numbers(value: Any, name: str, allow_one: bool = False) -> tuple[float, ...]:
    if not isinstance(value, (list, tuple)):
        if allow_one:
            value = [value]
        else:
            raise TemplateProblem(
                f"'{name}' should be a list of numbers (e.g. a 'let' value drawn with rnorm), "
                f"not {_shown(value)}"
            )
    if len(value) > limits.MAX_FIGURE_POINTS:
        raise TemplateProblem(
            f"'{name}' has {len(value):,} values; a figure shows at most "
            f"{limits.MAX_FIGURE_POINTS:,}"
        )
    if not value:
        raise TemplateProblem(f"'{name}' is an empty list: there is nothing to draw")
    return tuple(_number(v, name) for v in value)


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f"the text '{value[:40]}'"
    return f"'{numeric.plain(value)}'" if numeric.is_number(value) else "that"


def _f(compiled: Any, values: Mapping[str, Any], x: float) -> float:
    point = numeric.canonical(Decimal(repr(x)))
    y = compiled.run({**values, "x": point})
    if isinstance(y, bool) or not numeric.is_number(y):
        raise TemplateProblem(f"'f' should give a number, not {_shown(y)} (at x = {x:g})")
    return float(y)


def _sample(
    compiled: Any, values: Mapping[str, Any], start: float, end: float
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The curve at FUNCTION_SAMPLES evenly spaced x (a gap where f is not defined)."""
    n = limits.FUNCTION_SAMPLES
    xs, ys = [], []
    failed: TemplateProblem | None = None
    for i in range(n):
        x = start + (end - start) * i / (n - 1)
        x = round(x, 12) + 0.0
        try:
            y = _f(compiled, values, x)
        except TemplateProblem as exc:
            if "longer than" in exc.message:
                raise
            failed = failed or exc
            y = math.nan
        xs.append(x)
        ys.append(y if math.isfinite(y) else math.nan)
    if all(math.isnan(y) for y in ys):
        raise failed or TemplateProblem("'f' gives no number between 'from' and 'to'")
    return tuple(xs), tuple(ys)


# -- drawing ------------------------------------------------------------------------------

#: Whether render_variant draws figures (the run) or only works their data out
#: (``qbank validate`` trying hundreds of draws: see :mod:`qbank.trials`).
DRAWING: ContextVar[bool] = ContextVar("qbank_drawing_figures", default=True)

#: The style: matplotlib's defaults, then these (black on white, outlines and markers).
STYLE: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.linewidth": 0.8,
    "axes.edgecolor": "black",
    "axes.labelcolor": "black",
    "axes.grid": True,
    "axes.axisbelow": True,
    "grid.color": "#b0b0b0",
    "grid.linestyle": ":",
    "grid.linewidth": 0.6,
    "xtick.color": "black",
    "ytick.color": "black",
    "lines.color": "black",
    "lines.linewidth": 1.4,
    "patch.edgecolor": "black",
    "hatch.color": "black",
    "hatch.linewidth": 0.6,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "text.color": "black",
    "text.usetex": False,
    "path.simplify": True,
}


# How a figure is drawn quickly (issue 13: about 30 ms a figure; bench/figure_speed.py and
# the statistics example in `make bench`, numbers in docs/benchmarks.md). Measured on a
# typical figure at 60-75 ms of CPU before (matplotlib 3.11, 2 shared cores):
#   - A new Figure and Axes cost ~10 ms, and their Tick objects, made again while the
#     first draw lays the axes out, another ~10 ms. A run keeps one canvas (Figure, Agg
#     canvas, Axes) per kind and size and puts its Axes back as new before each figure
#     (_reset: the artists, limits, locators and formatters, grid), keeping the Axis and
#     Tick objects, the title texts and the renderer: the same bytes as a new canvas (the
#     tests draw every kind after every other one on one canvas and compare).
#   - The style is set by writing the rcParams checked once (_styled), not by rcdefaults()
#     and checking 300 values again on each figure (~1 ms).
#   - What is left is matplotlib laying out and rendering the tick labels glyph by glyph
#     and drawing tick and grid lines (about three quarters of a figure), making the
#     plot's artists (~3 ms) and the PNG (~3 ms: a palette of greys, _png).
#   - A run with many figures draws them in worker processes (qbank.figure_pool): on two
#     cores the run waits about half as long per figure; the CPU per figure is the same.
# Measured and left out: PNG compress_level 3 saves ~1.5 ms for files 17 % larger (each
# figure is stored in every output file: level 6 kept); a PNG writer of our own (Python's
# zlib) was not clearly faster and would tie the bytes to the system's zlib; matplotlib
# 3.10 renders text ~20 % faster but places glyphs differently (the pinned range is
# unchanged); 3.11 renders each glyph at its sub-pixel position, so a cache of rendered
# texts would not give the same pixels.


def draw(data: FigureData) -> ImageFile:
    """The figure as a PNG :class:`ImageFile` (``src`` ``figure:<hash16>``, the hash of
    :func:`figure_digest`).

    Inside :func:`one_run` the run's canvases are reused (see :class:`_Canvases`); outside
    one, the figure is drawn on a canvas of its own."""
    png, width, height = draw_png(data)
    return figure_image(figure_digest(data), png, width, height)


def draw_png(data: FigureData) -> tuple[bytes, int, int]:
    """The figure's PNG and its width and height in pixels (what :func:`draw` and a worker
    of :mod:`qbank.figure_pool` make)."""
    run = RUN.get()
    canvases = run.canvases if run is not None else _Canvases()
    key = _canvas_key(data)
    with _styled():
        canvas = canvases.take(key)  # a figure that fails half drawn never gives it back
        ax = canvas.axes
        _PLOTS[data.kind](ax, data)
        ax.set_xlabel(_literal(data.xlabel))
        ax.set_ylabel(_literal(data.ylabel))
        ax.set_title(_literal(data.title))
        _margins(canvas.figure, data)
        canvas.agg.draw()
        rgba = canvas.agg.buffer_rgba()
        width, height = int(rgba.shape[1]), int(rgba.shape[0])
        png = _png(rgba, width, height)
        canvases.give_back(key, canvas)
    return png, width, height


def figure_image(digest: str, png: bytes, width: int, height: int) -> ImageFile:
    """The :class:`ImageFile` of a figure drawn: ``figure:<digest>``."""
    return ImageFile(
        src=f"figure:{digest}",
        name=f"qbank-figure-{digest}.png",
        data=png,
        media_type="image/png",
        width=width,
        height=height,
        dpi=DPI,
    )


#: Changed whenever this module draws the same data otherwise (its style, margins, plots or
#: PNG): a figure's name (:func:`figure_digest`) then changes with its pixels. A test
#: compares a figure's bytes with the ones recorded for this number and the installed
#: matplotlib and Pillow, so a change of drawing that keeps the number fails there.
DRAWING_VERSION = 2


def figure_digest(data: FigureData) -> str:
    """16 hex digits that name a figure: a hash of its spec and data (everything in
    :class:`FigureData`) and of what draws it (:data:`DRAWING_VERSION`, the resolution,
    matplotlib's and Pillow's versions). The same figure keeps its name in every run (Anki
    keeps one copy), and the name is known before the figure is drawn, so a run can draw
    its figures side by side (:mod:`qbank.figure_pool`) while the texts already show them."""
    made = tuple(getattr(data, f.name) for f in fields(data))  # a field added counts too
    text = repr((_renderer_versions(), made))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


_VERSIONS: list[tuple[Any, ...]] = []


def _renderer_versions() -> tuple[Any, ...]:
    """What draws a figure, besides its data (read once, without importing matplotlib)."""
    if not _VERSIONS:
        from importlib.metadata import version

        _VERSIONS.append((DRAWING_VERSION, DPI, version("matplotlib"), version("pillow")))
    return _VERSIONS[0]


_STYLE_CACHE: dict[str, Any] = {}


def _style() -> dict[str, Any]:
    """Every rcParam: matplotlib's defaults (whatever the user's matplotlibrc says) with
    :data:`STYLE` on top, worked out and checked by matplotlib once."""
    if not _STYLE_CACHE:
        import matplotlib
        from cycler import cycler

        with matplotlib.rc_context():
            matplotlib.rcdefaults()
            params: Any = matplotlib.rcParams  # typed by key; ours are checked when set
            params.update({**STYLE, "axes.prop_cycle": cycler(color=["black"])})
            _STYLE_CACHE.update((key, params._get(key)) for key in params if key != "backend")
    return _STYLE_CACHE


@contextmanager
def _styled() -> Iterator[None]:
    """The style in force inside the block, the rcParams as they were after it: what
    ``rc_context(style)`` does, without checking 300 values again on each figure (1 ms;
    they were checked when :func:`_style` set them)."""
    import matplotlib

    style = _style()
    params: Any = matplotlib.rcParams
    saved = {key: params._get(key) for key in style}
    params._update_raw(style)  # matplotlib >= 3.10 (the pinned range)
    try:
        yield
    finally:
        params._update_raw(saved)


def _canvas_key(data: FigureData) -> tuple[str, float, float]:
    """Which canvas draws a figure: one per kind and size (in inches)."""
    return (data.kind, data.width_cm / CM_PER_INCH, data.height_cm / CM_PER_INCH)


@dataclass
class _Canvas:
    """One Figure, its Agg canvas and its Axes, drawn on again and again."""

    figure: Any
    agg: Any
    axes: Any
    fresh: bool = True


#: How many canvases a run keeps (one per kind and size; a canvas of the largest size
#: holds 7 MB of pixels).
_CANVASES_KEPT = 6


@dataclass
class _Canvases:
    """A run's canvases, by (kind, width, height): building a Figure and its Axes, and the
    ticks of its axes, is a third of the time of a figure, so a canvas is built once and
    put back as new (:func:`_reset`) before each figure. The most recently used are kept."""

    kept: dict[tuple[str, float, float], _Canvas] = field(default_factory=dict)

    def take(self, key: tuple[str, float, float]) -> _Canvas:
        canvas = self.kept.pop(key, None)
        if canvas is None:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure

            figure = Figure(figsize=key[1:], dpi=DPI)
            canvas = _Canvas(figure, FigureCanvasAgg(figure), figure.add_subplot())
        elif not canvas.fresh:
            _reset(canvas.axes)
        canvas.fresh = False
        return canvas

    def give_back(self, key: tuple[str, float, float], canvas: _Canvas) -> None:
        self.kept[key] = canvas  # the last one used goes to the end
        while len(self.kept) > _CANVASES_KEPT:
            del self.kept[next(iter(self.kept))]


def _reset(ax: Any) -> None:
    """Put an Axes drawn on back as a new one of the same Figure would be (what
    ``Axes.clear`` does, but keeping the Axis objects, their Tick objects and the title
    texts, whose making is the expensive part): no artists, no data limits, limits (0, 1)
    and autoscaling on, default locators and formatters, the style's grid, margins and
    prop cycle. The tests draw every kind after every other and compare the bytes with a
    figure drawn on a new canvas."""
    import matplotlib

    rc = matplotlib.rcParams
    for artist in [*ax._children]:  # what the plot added (lines, patches, collections)
        artist.remove()
    ax.containers.clear()
    ax.relim()
    ax.ignore_existing_data_limits = True
    # What Axes.clear resets and no plot of ours changes today: kept so that a plot that
    # does (margins, tight autoscaling, colours from the cycle) leaks nothing either.
    ax._xmargin, ax._ymargin = rc["axes.xmargin"], rc["axes.ymargin"]
    ax._tight = None
    ax._use_sticky_edges = True
    ax.set_prop_cycle(None)
    for axis in (ax.xaxis, ax.yaxis):
        axis._set_scale("linear")  # AutoLocator, ScalarFormatter, no minor ticks
    grid = rc["axes.grid"] and rc["axes.grid.which"] in ("both", "major")
    if any(axis._major_tick_kw.get("gridOn") != grid for axis in (ax.xaxis, ax.yaxis)):
        ax.grid(False)  # as Axes.clear does; half the time of a reset: only when needed
        ax.grid(rc["axes.grid"], which=rc["axes.grid.which"], axis=rc["axes.grid.axis"])
    ax.set_xlim(0, 1, auto=True)
    ax.set_ylim(0, 1, auto=True)
    ax.set_title("")
    ax.set_xlabel("")
    ax.set_ylabel("")


#: Room around the axes, in cm: tick labels and axis labels on the left and below, the
#: title above. Fixed rather than measured (tight_layout draws the figure twice: twice
#: the time), and generous enough for tick labels of seven characters.
_MARGINS_CM = {"left": 1.9, "bottom": 1.25, "right": 0.45, "top": 0.35, "title": 0.6}


def _margins(fig: Any, data: FigureData) -> None:
    m = _MARGINS_CM
    top = m["top"] + (m["title"] if data.title else 0)
    left = m["left"] if data.ylabel else m["left"] - 0.45
    bottom = m["bottom"] if data.xlabel else m["bottom"] - 0.45
    fig.subplots_adjust(
        left=left / data.width_cm,
        right=1 - m["right"] / data.width_cm,
        bottom=bottom / data.height_cm,
        top=1 - top / data.height_cm,
    )


def _png(rgba: Any, width: int, height: int) -> bytes:
    """The picture as a PNG of 256 greys (the style is black and white) with its resolution
    and nothing else that could change between runs.

    Stored as a palette of greys rather than as grey-scale: Pillow tries five filters on
    every row of a grey-scale image and none on a palette image, and for a chart (large
    white areas, thin lines) zlib does as well without them: 3 ms instead of 5-7 ms a
    figure, and files ~10 % smaller (bench/figure_speed.py)."""
    from PIL import Image

    image = Image.frombuffer("RGBA", (width, height), rgba, "raw", "RGBA", 0, 1).convert("L")
    image.putpalette(_GREYS)  # the same bytes, read through a palette where index = grey
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6, dpi=(DPI, DPI))
    return out.getvalue()


#: A palette whose colour ``i`` is the grey ``i``.
_GREYS = bytes(level for i in range(256) for level in (i, i, i))


def _literal(text: str) -> str:
    """A label as written: ``$`` is not matplotlib's math."""
    return text.replace("$", r"\$")


def _histogram(ax: Any, d: FigureData) -> None:
    # Sturges' rule, as R's hist() does by default.
    bins = max(1, math.ceil(math.log2(len(d.x)) + 1))
    ax.hist(d.x, bins=bins, color="#e6e6e6", edgecolor="black", linewidth=0.8, hatch="//")


def _boxplot(ax: Any, d: FigureData) -> None:
    ax.boxplot(
        [d.x],
        orientation="horizontal",
        widths=0.5,
        patch_artist=True,
        boxprops={"facecolor": "#e6e6e6", "edgecolor": "black"},
        medianprops={"color": "black", "linewidth": 2},
        flierprops={"marker": "o", "markerfacecolor": "white", "markeredgecolor": "black"},
    )
    ax.set_yticks([])
    ax.grid(axis="y", visible=False)


def _scatter(ax: Any, d: FigureData) -> None:
    ax.scatter(d.x, d.y, s=22, marker="o", facecolors="white", edgecolors="black", zorder=3)
    if d.fit and len(set(d.x)) > 1:
        n = len(d.x)
        mx, my = sum(d.x) / n, sum(d.y) / n
        sxx = sum((x - mx) ** 2 for x in d.x)
        b = sum((x - mx) * (y - my) for x, y in zip(d.x, d.y)) / sxx
        a = my - b * mx
        lo, hi = min(d.x), max(d.x)
        ax.plot([lo, hi], [a + b * lo, a + b * hi], color="black", linewidth=1.2, zorder=2)


def _line(ax: Any, d: FigureData) -> None:
    ax.plot(d.x, d.y, color="black", marker="o", markersize=4)


def _bar(ax: Any, d: FigureData) -> None:
    positions = range(len(d.x))
    ax.bar(positions, d.y, width=0.6, color="#e6e6e6", edgecolor="black", hatch="//")
    ax.set_xticks(list(positions), [_literal(str(label)) for label in d.x])
    ax.grid(axis="x", visible=False)


def _function(ax: Any, d: FigureData) -> None:
    ax.plot(d.x, d.y, color="black")
    if d.marks:
        ax.plot(
            [p[0] for p in d.marks],
            [p[1] for p in d.marks],
            linestyle="none",
            marker="o",
            markersize=5,
            color="black",
            zorder=3,
            clip_on=False,  # a point on the frame (the top of a curve, its end) drawn whole
        )
    known = [y for y in d.y if not math.isnan(y)]
    if min(known) <= 0 <= max(known):  # the x axis, where the curve meets it
        ax.axhline(0, color="black", linewidth=0.6, zorder=1)
    ax.set_xlim(d.x[0], d.x[-1])


_PLOTS: dict[str, Callable[[Any, FigureData], None]] = {
    "histogram": _histogram,
    "boxplot": _boxplot,
    "scatter": _scatter,
    "line": _line,
    "bar": _bar,
    "function": _function,
}


def cannot_draw(reason: str) -> str:
    """What a teacher reads when matplotlib could not draw a figure's data."""
    return f"the figure could not be drawn ({reason})"


def failure(exc: Exception) -> str:
    """Why drawing failed, in the words of the exception (its name if it has none)."""
    return str(exc) or type(exc).__name__


def alt_markdown(alt: str) -> str:
    """An alt text as Markdown inside ``![…]``: every ASCII punctuation escaped."""
    return "".join("\\" + c if c in _PUNCTUATION else c for c in alt)


_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


# -- one draw's figures, placed in its text -----------------------------------------------

_REFERENCE = re.compile(r"!\[([^\]\n]*)\]\(figure:(\d+)\)")


@dataclass
class RunFigures:
    """The figures one run drew, by their data: the same data is drawn once (a figure that
    does not change with the question's parameters, or the same in two questions), and a
    run draws at most limits.MAX_RUN_FIGURES."""

    drawn: dict[FigureData, ImageFile] = field(default_factory=dict)
    count: int = 0
    #: The canvases drawn on, kept for the next figure of the same kind and size.
    canvases: _Canvases = field(default_factory=_Canvases)
    #: The worker processes that draw this run's figures, if it has them: then a figure
    #: is handed to them, the texts show an ImageFile without its bytes, and
    #: :meth:`finish` gives the drawn ones; ``waiting`` names those handed over.
    pool: FigurePool | None = None
    waiting: set[str] = field(default_factory=set)

    def hand_over(self, data: FigureData) -> ImageFile:
        """Have the pool draw this figure; its ImageFile as the texts name it, waiting for
        its bytes (``data`` empty, no size)."""
        assert self.pool is not None
        digest = figure_digest(data)
        self.pool.submit(digest, data)
        self.waiting.add(digest)
        return figure_image(digest, b"", 0, 0)

    def finish(self, tick: Callable[[], None] = lambda: None) -> dict[str, ImageFile | str]:
        """The figures handed to the pool, drawn: by digest, the ImageFile, or the message
        of why it could not be drawn. ``tick`` hears of each batch drawn."""
        if self.pool is None or not self.waiting:
            return {}
        done: dict[str, ImageFile | str] = {}
        for digest, made in self.pool.results(tick):
            done[digest] = made if isinstance(made, str) else figure_image(digest, *made)
        self.waiting.clear()
        return done


RUN: ContextVar[RunFigures | None] = ContextVar("qbank_run_figures", default=None)


@contextmanager
def one_run(workers: int = 0) -> Iterator[RunFigures]:
    """The figures drawn inside the block are one run's (:class:`RunFigures`); with
    ``workers`` (2 or more), they are drawn by that many worker processes, and the caller
    gets them from :meth:`RunFigures.finish` before the block ends (the workers stop
    there)."""
    run = RunFigures()
    if workers > 1:
        from .figure_pool import FigurePool

        run.pool = FigurePool(workers)
    token = RUN.set(run)
    try:
        yield run
    finally:
        RUN.reset(token)
        if run.pool is not None:
            run.pool.close()


def render_figures(
    figures: tuple[CompiledFigure, ...],
    values: Mapping[str, Any],
    text: str,
    at: Callable[[str], None],
) -> tuple[str, tuple[ImageFile, ...]]:
    """One draw's figures, and its text showing them: ``![alt](figure:N)`` in the text
    becomes ``![alt](figure:<hash16>)``; a figure the text does not show is added under
    it as a paragraph of its own. While :data:`DRAWING` is off (``validate``), the data
    is worked out and checked but nothing is drawn, and the text is returned as it is."""
    at("text")
    for match in _REFERENCE.finditer(text):
        number = int(match.group(2))
        if not 1 <= number <= len(figures):
            have = f"{len(figures)} figure{'s' if len(figures) != 1 else ''}"
            raise TemplateProblem(
                f"the text shows figure:{number}, but the question has {have}"
                + (" (they are numbered from 1)" if number == 0 else "")
            )
    data = [evaluate(figure, values, at) for figure in figures]
    if not DRAWING.get():
        return text, ()
    from .templates.clocks import start_meter

    run = RUN.get()
    images = []
    for figure, made in zip(figures, data):
        at(figure.label)
        image = run.drawn.get(made) if run is not None else None
        if image is None:
            start_meter()  # the variant's time is not up yet (else: its message)
            if run is not None:
                run.count += 1
                if run.count > limits.MAX_RUN_FIGURES:
                    raise TemplateProblem(
                        f"this run would draw more than {limits.MAX_RUN_FIGURES:,} figures; "
                        "make fewer versions (-n)"
                    )
            if run is not None and run.pool is not None:
                image = run.hand_over(made)  # drawn by a worker; the text names it now
            else:
                try:
                    image = draw(made)
                except TemplateProblem:
                    raise
                except Exception as exc:  # data matplotlib cannot draw: say so, never crash
                    raise TemplateProblem(cannot_draw(failure(exc))) from None
            if run is not None:
                run.drawn[made] = image
        images.append(image)
    shown = set()

    def place(match: re.Match[str]) -> str:
        number = int(match.group(2))
        shown.add(number)
        alt = match.group(1) or alt_markdown(data[number - 1].alt)
        return f"![{alt}]({images[number - 1].src})"

    text = _REFERENCE.sub(place, text)
    under = [
        f"![{alt_markdown(made.alt)}]({image.src})"
        for n, (made, image) in enumerate(zip(data, images), 1)
        if n not in shown
    ]
    if under:
        text = "\n\n".join([text.rstrip("\n"), *under])
    return text, tuple(images)
