#!/usr/bin/env python3
"""Build a .excalidraw scene from a small JSON description of boxes and arrows.

Input (JSON file or "-" for stdin):
    {
      "title": "Request flow",                       # optional, drawn top-left
      "nodes": [
        {"id": "web", "label": "Web app", "x": 0, "y": 0,
         "shape": "rectangle", "fill": "#a5d8ff"},    # shape: rectangle|ellipse|diamond
        {"id": "db", "label": "Postgres", "x": 320, "y": 0, "fill": "#c3fae8"}
      ],
      "edges": [{"from": "web", "to": "db", "label": "SQL", "dashed": false}]
    }

Node width/height default to 180x80. Output is a complete .excalidraw file whose shapes,
labels and arrows are bound to each other in both directions, so they move together when
edited at excalidraw.com.

Usage: python make_scene.py spec.json -o diagram.excalidraw
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from typing import Any

FONT_SIZE = 20
LINE_HEIGHT = 1.25
DEFAULT_W, DEFAULT_H = 180, 80


def _base(el_id: str, el_type: str, x: float, y: float, w: float, h: float) -> dict[str, Any]:
    return {
        "id": el_id,
        "type": el_type,
        "x": x,
        "y": y,
        "width": w,
        "height": h,
        "angle": 0,
        "strokeColor": "#1e1e1e",
        "backgroundColor": "transparent",
        "fillStyle": "solid",
        "strokeWidth": 2,
        "strokeStyle": "solid",
        "roughness": 1,
        "opacity": 100,
        "groupIds": [],
        "frameId": None,
        "roundness": None,
        "seed": random.randint(1, 2**31 - 1),
        "version": 1,
        "versionNonce": random.randint(1, 2**31 - 1),
        "isDeleted": False,
        "boundElements": [],
        "updated": 1,
        "link": None,
        "locked": False,
    }


def _text(el_id: str, text: str, cx: float, cy: float, container: str | None) -> dict[str, Any]:
    lines = text.split("\n")
    w = max(len(line) for line in lines) * FONT_SIZE * 0.6
    h = len(lines) * FONT_SIZE * LINE_HEIGHT
    el = _base(el_id, "text", cx - w / 2, cy - h / 2, w, h)
    el.update(
        text=text,
        originalText=text,
        fontSize=FONT_SIZE,
        fontFamily=1,
        textAlign="center",
        verticalAlign="middle",
        containerId=container,
        autoResize=True,
        lineHeight=LINE_HEIGHT,
    )
    return el


def _edge_point(node: dict[str, Any], tx: float, ty: float) -> tuple[float, float]:
    """Point where the ray from the node centre towards (tx, ty) leaves its bounding box."""
    cx, cy = node["x"] + node["width"] / 2, node["y"] + node["height"] / 2
    dx, dy = tx - cx, ty - cy
    if dx == 0 and dy == 0:
        return cx, cy
    sx = (node["width"] / 2) / abs(dx) if dx else math.inf
    sy = (node["height"] / 2) / abs(dy) if dy else math.inf
    s = min(sx, sy)
    return cx + dx * s, cy + dy * s


def _binding(node: dict[str, Any], px: float, py: float) -> dict[str, Any]:
    # fixedPoint/mode is the current binding format; focus/gap keeps older readers happy.
    fx = (px - node["x"]) / node["width"]
    fy = (py - node["y"]) / node["height"]
    return {"elementId": node["id"], "fixedPoint": [round(fx, 4), round(fy, 4)],
            "mode": "orbit", "focus": 0, "gap": 4}


def build(spec: dict[str, Any]) -> dict[str, Any]:
    elements: list[dict[str, Any]] = []
    nodes: dict[str, dict[str, Any]] = {}

    if spec.get("title"):
        t = _text("title", spec["title"], 0, 0, None)
        t.update(x=0, y=-80, fontSize=28, textAlign="left")
        t["width"] = len(spec["title"]) * 28 * 0.6
        t["height"] = 28 * LINE_HEIGHT
        elements.append(t)

    for n in spec["nodes"]:
        shape = n.get("shape", "rectangle")
        if shape not in ("rectangle", "ellipse", "diamond"):
            raise ValueError(f"unsupported shape {shape!r} for node {n['id']!r}")
        w, h = n.get("width", DEFAULT_W), n.get("height", DEFAULT_H)
        el = _base(n["id"], shape, n["x"], n["y"], w, h)
        if shape == "rectangle":
            el["roundness"] = {"type": 3}
        if n.get("fill"):
            el["backgroundColor"] = n["fill"]
        label_id = f"{n['id']}__label"
        el["boundElements"].append({"id": label_id, "type": "text"})
        nodes[n["id"]] = el
        # z-order: each shape immediately followed by its label
        elements.append(el)
        elements.append(_text(label_id, n.get("label", n["id"]), n["x"] + w / 2,
                              n["y"] + h / 2, n["id"]))

    for i, e in enumerate(spec.get("edges", [])):
        src, dst = nodes[e["from"]], nodes[e["to"]]
        scx, scy = src["x"] + src["width"] / 2, src["y"] + src["height"] / 2
        dcx, dcy = dst["x"] + dst["width"] / 2, dst["y"] + dst["height"] / 2
        x1, y1 = _edge_point(src, dcx, dcy)
        x2, y2 = _edge_point(dst, scx, scy)
        arrow_id = e.get("id", f"edge{i}")
        el = _base(arrow_id, "arrow", x1, y1, abs(x2 - x1), abs(y2 - y1))
        el.update(
            points=[[0, 0], [x2 - x1, y2 - y1]],
            startArrowhead=None,
            endArrowhead="arrow",
            startBinding=_binding(src, x1, y1),
            endBinding=_binding(dst, x2, y2),
            elbowed=False,
            roundness={"type": 2},
        )
        if e.get("dashed"):
            el["strokeStyle"] = "dashed"
        src["boundElements"].append({"id": arrow_id, "type": "arrow"})
        dst["boundElements"].append({"id": arrow_id, "type": "arrow"})
        elements.append(el)
        if e.get("label"):
            label_id = f"{arrow_id}__label"
            el["boundElements"].append({"id": label_id, "type": "text"})
            elements.append(_text(label_id, e["label"], (x1 + x2) / 2, (y1 + y2) / 2, arrow_id))

    return {
        "type": "excalidraw",
        "version": 2,
        "source": "https://excalidraw.com",
        "elements": elements,
        "appState": {"viewBackgroundColor": "#ffffff", "gridSize": 20},
        "files": {},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build a .excalidraw file from a JSON spec.")
    parser.add_argument("spec", help="spec JSON file, or - for stdin")
    parser.add_argument("-o", "--output", default="-", help="output path (default: stdout)")
    args = parser.parse_args(argv)
    raw = sys.stdin.read() if args.spec == "-" else open(args.spec, encoding="utf-8").read()
    scene = build(json.loads(raw))
    out = json.dumps(scene, indent=2)
    if args.output == "-":
        print(out)
    else:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(out + "\n")
        print(f"wrote {args.output} ({len(scene['elements'])} elements)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
