"""Figures drawn on reused canvases (qbank.figures._Canvases): a run draws each figure on
a Figure and Axes that drew the figures before it, put back as new. Nothing of one figure
may show in the next: every figure must have the bytes it has when drawn on a new canvas."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from qbank import figures
from qbank.errors import TemplateProblem
from qbank.figures import FigureData

SAMPLE = (41.2, 47.9, 50.3, 52.8, 55.1, 58.6, 60.2, 44.4, 63.9, 71.5, 49.0, 52.2)


def fig(kind: str, **fields) -> FigureData:
    base = {"alt": "a figure", "xlabel": "", "ylabel": "", "title": ""}
    base.update(width_cm=12.0, height_cm=8.0)
    return FigureData(kind=kind, **{**base, **fields})


#: Every kind, and within a kind what changes the Axes: labels or none, a title or none,
#: ticks set by the plot (bars, boxplot), limits set by the plot (function), grid turned
#: off on one axis (bar, boxplot), numbers of another size (other tick labels).
FIGURES = {
    "histogram": fig("histogram", x=SAMPLE, xlabel="Lifetime (h)", ylabel="Count"),
    "histogram-big": fig("histogram", x=tuple(v * 1000 for v in SAMPLE), title="In $"),
    "boxplot": fig("boxplot", x=SAMPLE, xlabel="Mark"),
    "scatter": fig("scatter", x=SAMPLE, y=tuple(2 * v + 3 for v in SAMPLE), fit=True, ylabel="y"),
    "line": fig("line", x=(1.0, 2.0, 3.0, 4.0), y=(2.0, 3.0, 2.0, 5.0), title="A line"),
    "bar": fig("bar", x=("red", "green", "blue"), y=(4.0, 5.0, 2.0), ylabel="Votes"),
    "bar-more": fig("bar", x=("a", "b", "c", "d", "e", "f"), y=(1.0, 9.0, 2.0, 7.0, 3.0, 6.0)),
    "function": fig(
        "function",
        x=tuple(-2 + i / 10 for i in range(41)),
        y=tuple((-2 + i / 10) ** 2 - 3 for i in range(41)),
        marks=((0.0, -3.0), (1.0, -2.0)),
        xlabel="x",
        ylabel="f(x)",
    ),
    "function-tiny": fig(
        "function",
        x=tuple(i / 1000 for i in range(11)),
        y=tuple(1e-4 * i for i in range(11)),
        title="Small numbers",
    ),
}


@pytest.fixture(scope="module")
def fresh() -> dict[str, bytes]:
    """Each figure drawn on a canvas of its own (outside a run)."""
    return {name: figures.draw(data).data for name, data in FIGURES.items()}


def test_a_b_a_gives_as_bytes_both_times_and_those_of_a_fresh_canvas(fresh):
    a, b = FIGURES["bar"], FIGURES["bar-more"]  # the same kind and size: one canvas
    with figures.one_run() as run:
        first = figures.draw(a).data
        between = figures.draw(b).data
        again = figures.draw(a).data
        assert len(run.canvases.kept) == 1  # the three were drawn on one canvas
    assert first == again == fresh["bar"]
    assert between == fresh["bar-more"] != first


def _every_pair(n: int) -> list[int]:
    """A sequence of 0..n-1 in which every ordered pair (i, j), i != j, comes one after
    the other somewhere."""
    order = []
    for i in range(n):
        order.append(i)
        for j in range(i + 1, n):
            order += [j, i]
    return order


def test_every_figure_after_every_other_on_one_canvas_is_as_if_drawn_fresh(fresh, monkeypatch):
    # All kinds on one canvas (in a run, a canvas serves one kind): the strongest test of
    # putting an Axes back as new.
    size = (12 / 2.54, 8 / 2.54)  # every figure of FIGURES has this size
    monkeypatch.setattr(figures, "_canvas_key", lambda data: ("one", *size))
    names = list(FIGURES)
    with figures.one_run() as run:
        for k in _every_pair(len(names)):
            name = names[k]
            assert figures.draw(FIGURES[name]).data == fresh[name], f"{name} after another"
        assert len(run.canvases.kept) == 1


def test_figures_of_a_run_keep_their_size_and_decode(fresh):
    small = fig("scatter", x=SAMPLE, y=SAMPLE, width_cm=6.0, height_cm=4.0)
    with figures.one_run():
        images = [figures.draw(d) for d in (FIGURES["scatter"], small, FIGURES["scatter"])]
    for image, (w_cm, h_cm) in zip(images, ((12, 8), (6, 4), (12, 8)), strict=True):
        png = Image.open(io.BytesIO(image.data))
        png.load()
        assert png.size == (image.width, image.height)
        assert png.size == (int(w_cm / 2.54 * figures.DPI), int(h_cm / 2.54 * figures.DPI))
    assert images[0].data == images[2].data == fresh["scatter"]


def test_a_figure_that_fails_half_drawn_leaves_nothing_behind(fresh, monkeypatch):
    def broken(ax, data):
        ax.plot([0, 100], [0, 100], color="black", linewidth=9)
        ax.set_xticks([0, 50, 100], ["x", "y", "z"])
        ax.set_xlim(10, 20)
        raise TemplateProblem("broken on purpose")

    with figures.one_run() as run:
        assert figures.draw(FIGURES["line"]).data == fresh["line"]
        with monkeypatch.context() as patch:
            patch.setitem(figures._PLOTS, "line", broken)
            with pytest.raises(TemplateProblem):
                figures.draw(FIGURES["line"])
        assert not run.canvases.kept  # the canvas it left was dropped
        assert figures.draw(FIGURES["line"]).data == fresh["line"]


def test_a_run_keeps_a_bounded_number_of_canvases():
    with figures.one_run() as run:
        for width in range(4, 4 + figures._CANVASES_KEPT + 3):
            figures.draw(fig("line", x=(1.0, 2.0), y=(1.0, 2.0), width_cm=float(width)))
        assert len(run.canvases.kept) == figures._CANVASES_KEPT
        newest = (4 + figures._CANVASES_KEPT + 2) / 2.54
        assert ("line", newest, 8 / 2.54) in run.canvases.kept  # the oldest went first


def test_drawing_leaves_matplotlibs_settings_as_they_were():
    import matplotlib

    with matplotlib.rc_context({"lines.linewidth": 7, "font.size": 20}):
        before = dict(matplotlib.rcParams)
        with figures.one_run():
            figures.draw(FIGURES["line"])
            figures.draw(FIGURES["histogram"])
        assert dict(matplotlib.rcParams) == before
