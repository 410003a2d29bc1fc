"""Charts for the monthly report, drawn with matplotlib in a CJK font the project installs.

``make setup`` installs Debian's fonts-noto-cjk; without a CJK font every Chinese label would
be drawn as empty boxes, so :func:`cjk_font` fails loudly rather than let that happen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on servers

from matplotlib import font_manager  # noqa: E402 - after choosing the backend
from matplotlib import pyplot as plt  # noqa: E402

SYSTEM_FONTS = Path("/usr/share/fonts")
PREFERRED_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei")
RED, GREY, BLUE = "#b71c1c", "#9e9e9e", "#1565c0"


class MissingFontError(RuntimeError):
    """No CJK font is installed: charts would show boxes instead of Chinese."""


def cjk_font() -> str:
    """The family name of an installed CJK font."""
    for attempt in range(2):
        installed = {font.name for font in font_manager.fontManager.ttflist}
        for name in PREFERRED_FONTS:
            if name in installed:
                return name
        if attempt == 0:
            # Fonts installed after matplotlib cached its font list: add them explicitly.
            for path in SYSTEM_FONTS.glob("**/*CJK*"):
                font_manager.fontManager.addfont(str(path))
    raise MissingFontError("no CJK font found (expected one of: " + ", ".join(PREFERRED_FONTS)
                           + "); run `make setup`, which installs Debian's fonts-noto-cjk")


def _style() -> None:
    plt.rcParams.update({"font.family": cjk_font(), "axes.unicode_minus": False, "figure.dpi": 110,
                         "axes.spines.top": False, "axes.spines.right": False})


def trend_chart(trend: list[dict[str, Any]], path: Path) -> Path:
    """Ads per month (bars) and the violation rate (line) over the last 12 months."""
    _style()
    months = [t["month"][2:] for t in trend]
    figure, volume = plt.subplots(figsize=(8, 3.6))
    volume.bar(months, [t["total"] for t in trend], color=GREY, label="监测广告量")
    volume.set_ylabel("监测广告量（条次）")
    rate = volume.twinx()
    # A month with no monitoring has no rate: a gap in the line, not a zero.
    rates = [t["rate"] * 100 if t["rate"] is not None else float("nan") for t in trend]
    rate.plot(months, rates, color=RED, marker="o", label="涉嫌违法率")
    rate.set_ylabel("涉嫌违法率（%）")
    rate.set_ylim(bottom=0)
    volume.set_title("近12个月广告监测量与涉嫌违法率")
    figure.legend(loc="upper left", bbox_to_anchor=(0.08, 0.88), frameon=False)
    return _save(figure, path)


def breakdown_chart(rows: list[dict[str, Any]], title: str, path: Path) -> Path:
    """Horizontal bars of suspected and compliant sightings per channel or sector."""
    _style()
    rows = sorted(rows, key=lambda r: r["total"])[-12:]
    names = [r["name"] for r in rows]
    figure, axes = plt.subplots(figsize=(8, 0.45 * len(rows) + 1.2))
    axes.barh(names, [r["suspected"] for r in rows], color=RED, label="涉嫌违法")
    axes.barh(names, [r["total"] - r["suspected"] for r in rows], left=[r["suspected"] for r in rows], color=GREY,
              label="未发现违法")
    for index, row in enumerate(rows):
        if row["rate"] is not None:
            axes.text(row["total"], index, f" {row['rate'] * 100:.0f}%", va="center", fontsize=9)
    axes.set_title(title)
    axes.set_xlabel("条次")
    axes.legend(frameon=False, loc="lower right")
    return _save(figure, path)


def _save(figure: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, format="png")
    plt.close(figure)
    return path
