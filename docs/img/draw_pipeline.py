"""Draw docs/img/pipeline.png: the pipeline of one invocation and the modules that own each step.

The picture at the top of docs/structure.md's "One HTTP invocation". Run it again after the pipeline
changes (``.venv/bin/python docs/img/draw_pipeline.py``) and commit the PNG with the change; the text
diagrams on that page carry the detail, this one the shape.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import FancyBboxPatch

OUTPUT = Path(__file__).with_name("pipeline.png")

# Colours by role: the two ends of the pipeline belong to the source's home, the middle to the
# exchange; the WebSocket branch and the side entries are set apart.
HOME = "#dbe9f6"
EXCHANGE = "#fde7c8"
TARGET = "#fff4e0"
WEBSOCKET = "#e3f1dc"
SIDE = "#eeeeee"
EDGE = "#444444"


def box(
    axes: Axes, x: float, y: float, width: float, height: float, colour: str, title: str, body: str
) -> None:
    """A rounded box, its lower left corner at (``x``, ``y``): ``title`` in bold (the step, as
    called), ``body`` below it (the module that owns it, and what it does)."""
    axes.add_patch(
        FancyBboxPatch(
            (x, y),
            width,
            height,
            boxstyle="round,pad=0.3,rounding_size=1.2",
            facecolor=colour,
            edgecolor=EDGE,
            linewidth=1.2,
        )
    )
    centre = x + width / 2
    axes.text(centre, y + height - 1.2, title, ha="center", va="top", fontsize=12.5, weight="bold")
    if body:
        axes.text(centre, y + height - 4.4, body, ha="center", va="top", fontsize=10.5, linespacing=1.3)


def arrow(axes: Axes, points: list[tuple[float, float]], label: str = "", label_at: int = 0) -> None:
    """An arrow along ``points`` (straight segments, the head at the last point), ``label`` beside the
    segment that starts at ``points[label_at]``."""
    for start, end in pairwise(points[:-1]):
        axes.plot([start[0], end[0]], [start[1], end[1]], color=EDGE, linewidth=1.4)
    axes.annotate(
        "",
        xy=points[-1],
        xytext=points[-2],
        arrowprops={"arrowstyle": "-|>", "color": EDGE, "linewidth": 1.4, "mutation_scale": 16},
    )
    if label:
        (x0, y0), (x1, y1) = points[label_at], points[label_at + 1]
        axes.text(
            (x0 + x1) / 2 + (0.8 if x0 == x1 else 0),
            (y0 + y1) / 2 + (0 if x0 == x1 else 0.6),
            label,
            ha="left" if x0 == x1 else "center",
            va="center" if x0 == x1 else "bottom",
            fontsize=10.5,
            style="italic",
            color="#222222",
        )


def draw(path: Path) -> None:
    """The picture, written to ``path``: one data unit is ten pixels."""
    figure = plt.figure(figsize=(13, 12), dpi=100)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_xlim(0, 130)
    axes.set_ylim(0, 120)
    axes.axis("off")

    axes.text(
        65,
        118.5,
        "One invocation: detect → home.read → exchange(target) → home.result",
        ha="center",
        va="top",
        fontsize=15,
        weight="bold",
    )

    # The spine: one HTTP invocation (centre column).
    box(axes, 56, 106, 22, 5, SIDE, "Lambda event (dict)", "")
    box(
        axes,
        44,
        92,
        46,
        9,
        HOME,
        "detect(event)",
        "mangum/_sources/registry.py\na few keys, in the detection order; imports no home",
    )
    box(
        axes,
        44,
        72,
        46,
        13,
        HOME,
        "home.read(event)",
        "mangum/_sources/<home>.py (registry.http_home)\n"
        "validated by the generated validator (_validation)\n"
        "one Request (_http/request), its scope (_http/scope)",
    )
    box(
        axes,
        44,
        47,
        46,
        19,
        EXCHANGE,
        "exchange(app, scope, request, target)",
        "mangum/_asgi/__init__.py: the one ASGI exchange\n"
        "1. the body decoded (a bad one: 400)\n"
        "2. the lifespan state (_asgi/lifespan)\n"
        "3. loop.run(target.cycle) on _asgi/loop,\n"
        "held to the deadline (late: 504)\n"
        "4. the access log line",
    )
    box(axes, 44, 28, 21, 11, TARGET, "Buffered", "_asgi: collects\nthe whole response")
    box(
        axes,
        69,
        28,
        21,
        11,
        TARGET,
        "HttpStream",
        "streaming/response:\nprelude, then chunks, to\nthe Runtime API; → None",
    )
    box(
        axes,
        44,
        10,
        46,
        11,
        HOME,
        "home.result",
        "_http/response.result_or_error / build_result:\n"
        "the home's ResponseShape validated,\nthen the body serialized, its size checked",
    )
    box(axes, 56, 1, 22, 5, SIDE, "Lambda result (dict)", "")

    arrow(axes, [(67, 105.7), (67, 101.3)])
    arrow(axes, [(67, 91.7), (67, 85.3)], "HttpSource", 0)
    arrow(axes, [(67, 71.7), (67, 66.3)], "HttpEvent + scope", 0)
    arrow(axes, [(54.5, 46.7), (54.5, 39.3)])
    arrow(axes, [(79.5, 46.7), (79.5, 39.3)], "RESPONSE_STREAM", 0)
    arrow(axes, [(54.5, 27.7), (54.5, 21.3)], "CollectedResponse", 0)
    arrow(axes, [(67, 9.7), (67, 6.3)])

    # The WebSocket branch (right column): the same two ends around the WebSocket cycle.
    box(
        axes,
        98,
        72,
        30,
        13,
        WEBSOCKET,
        "_sources/websocket.read",
        "found by cycle.websocket_home,\nvalidated (_validation)\n→ ConnectionEvent",
    )
    box(
        axes,
        98,
        47,
        30,
        19,
        WEBSOCKET,
        "websocket/cycle",
        "run_websocket_event on\n_asgi/loop.run, to the deadline:\nthe record (websocket/stores),\n"
        "the scope (websocket/scope),\nthe app (websocket/session)",
    )
    arrow(axes, [(90.3, 96.5), (113, 96.5), (113, 85.3)], "WebSocketSource", 0)
    arrow(axes, [(113, 71.7), (113, 66.3)])
    arrow(axes, [(113, 46.7), (113, 15.5), (90.3, 15.5)], "accept or denial", 1)

    # The side entries (left column).
    box(
        axes,
        2,
        92,
        32,
        9,
        SIDE,
        "custom_handlers",
        "PyPI mangum's handler classes\n(handlers/_custom.py), before detect",
    )
    box(
        axes,
        8,
        72,
        26,
        13,
        SIDE,
        "event_handlers",
        "_event_handlers.py:\n@typed_handler functions,\nwhen detect finds nothing",
    )
    box(
        axes,
        2,
        10,
        32,
        11,
        SIDE,
        "handler(pypi_response(...))",
        "handlers/_custom.py: the custom\nhandler lays out its own result",
    )
    arrow(axes, [(55.7, 108.5), (18, 108.5), (18, 101.3)], "infer(event) says yes", 0)
    arrow(axes, [(43.7, 94), (39, 94), (39, 88), (21, 88), (21, 85.3)], "UnsupportedEvent", 2)
    arrow(axes, [(5, 91.7), (5, 52), (43.7, 52)], "Buffered: the handler's scope + body", 1)
    arrow(axes, [(43.7, 33), (40, 33), (40, 24.5), (18, 24.5), (18, 21.3)], "its collected response", 2)

    figure.savefig(path, bbox_inches="tight", pad_inches=0.1, metadata={"Software": None})
    plt.close(figure)


if __name__ == "__main__":
    draw(OUTPUT)
    print(f"wrote {OUTPUT}")
