"""Find the plotted data in an inline SVG: elements whose id marks them as data or threshold."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
_SVG_BLOCK = re.compile(r"<svg\b.*?</svg>", re.DOTALL)


def svg_blocks(page: str) -> list[str]:
    """Every ``<svg>...</svg>`` element of an HTML page."""
    return _SVG_BLOCK.findall(page)


def path_extent(d: str) -> tuple[float, float]:
    """Width and height of the bounding box of a path's coordinates (M/L/C/z paths)."""
    numbers = [float(n) for n in _NUMBER.findall(d)]
    xs, ys = numbers[0::2], numbers[1::2]
    if not xs or not ys:
        return (0.0, 0.0)
    return (max(xs) - min(xs), max(ys) - min(ys))


def marked_extents(svg: str, marker: str) -> dict[str, tuple[float, float]]:
    """Per element whose id contains ``marker``: the extent of the paths it holds."""
    root = ET.fromstring(svg)
    out: dict[str, tuple[float, float]] = {}
    for element in root.iter():
        ident = element.get("id", "")
        if marker not in ident:
            continue
        widths, heights = [0.0], [0.0]
        for path in element.iter(f"{SVG}path"):
            w, h = path_extent(path.get("d", ""))
            widths.append(w)
            heights.append(h)
        out[ident] = (max(widths), max(heights))
    return out
