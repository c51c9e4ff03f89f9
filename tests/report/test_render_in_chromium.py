"""The report renders in a real browser: headless Chromium takes screenshots, and the charts
are there, with data, in the colours they were drawn in.

Skips only where Chromium is absent (``scripts/ensure-chromium`` installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from taxgate.report.charts import COLOURS

from .svgcheck import marked_extents, svg_blocks

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed; run scripts/ensure-chromium (apt-get install chromium)",
)


def screenshot(page: Path, png: Path, profile: Path, *, size: str = "1200,3000") -> Image.Image:
    """Render ``page`` in headless Chromium and return the screenshot."""
    assert CHROMIUM is not None
    argv = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        f"--screenshot={png}",
        f"--window-size={size}",
        page.resolve().as_uri(),
    ]
    env = {**os.environ, "HOME": str(profile)}
    done = subprocess.run(argv, capture_output=True, text=True, timeout=180, env=env, check=False)
    assert png.is_file(), f"chromium made no screenshot (exit {done.returncode}): {done.stderr}"
    return Image.open(png).convert("RGB")


def rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def pixels_near(image: Image.Image, colour: str, tolerance: int = 12) -> int:
    """How many pixels are within ``tolerance`` of ``colour`` on every channel."""
    pixels = np.asarray(image, dtype=np.int16)
    close = np.abs(pixels - np.array(rgb(colour), dtype=np.int16)) <= tolerance
    return int(close.all(axis=2).sum())


def non_white_share(image: Image.Image) -> float:
    grey = np.asarray(image.convert("L"))
    return float((grey < 250).mean())


def test_the_report_renders_with_its_charts(report_file: Path, tmp_path: Path) -> None:
    html = report_file.read_text(encoding="utf-8")
    blocks = svg_blocks(html)
    assert len(blocks) == 4
    for block, chart in zip(blocks, ("funnel", "codes", "weights", "quality"), strict=True):
        data = marked_extents(block, f"{chart}-data-")
        assert data, f"the {chart} chart has no data elements"
        assert any(w > 1 and h > 1 for w, h in data.values()), f"the {chart} chart is empty"
    image = screenshot(report_file, tmp_path / "report.png", tmp_path / "profile")
    assert image.size == (1200, 3000)
    assert non_white_share(image) > 0.05, "the screenshot is (nearly) blank"
    # The funnel and the codes chart are in the first 3,000 pixels.
    for colour in ("RECEIVED", "PASSED", "REJECTED", "DISCLOSE"):
        assert pixels_near(image, COLOURS[colour]) > 500, f"no {colour} bars on screen"


@pytest.mark.parametrize("chart", ["funnel", "codes", "weights", "quality"])
def test_each_chart_renders_alone(report_file: Path, tmp_path: Path, chart: str) -> None:
    html = report_file.read_text(encoding="utf-8")
    block = next(b for b in svg_blocks(html) if f'id="{chart}-' in b)
    page = tmp_path / f"{chart}.html"
    page.write_text(f"<!DOCTYPE html><html><body>{block}</body></html>", encoding="utf-8")
    image = screenshot(page, tmp_path / f"{chart}.png", tmp_path / "profile", size="1000,700")
    assert non_white_share(image) > 0.02, f"the {chart} chart rendered blank"
    colour = {"funnel": "DISCLOSE", "codes": "REJECTED", "weights": "DISCLOSE"}.get(
        chart, "BASELINE"
    )
    assert pixels_near(image, COLOURS[colour]) > 200, f"the {chart} chart shows no data"
