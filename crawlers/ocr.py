"""Reading ad text from photos (outdoor billboards, citizens' reports) with RapidOCR.

rapidocr-onnxruntime 1.4.x ships its detection and recognition models inside the package, so
nothing is downloaded at run time (its 3.x successor fetches models on first use).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

# Lines read with less confidence than this are noise (texture, partial glyphs).
MIN_CONFIDENCE = 0.5


@lru_cache(maxsize=1)
def _engine() -> Any:
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


def read_text(image: Path | bytes) -> str:
    """The text on ``image`` (a path or encoded bytes), lines in reading order, or "" if none."""
    source = str(image) if isinstance(image, Path) else image
    result, _elapsed = _engine()(source)
    if not result:
        return ""
    # Each line: (box of 4 corner points, text, confidence). Top-to-bottom, then left-to-right.
    lines = sorted(result, key=lambda line: (round(line[0][0][1] / 20), line[0][0][0]))
    return " ".join(text for _box, text, confidence in lines if float(confidence) >= MIN_CONFIDENCE)
