"""Cleaning items before scoring: whitespace, boilerplate, empties. Pure functions."""

from __future__ import annotations

import re

SPACES = re.compile(r"[ \t\u00a0\u3000]+")
NEWLINES = re.compile(r"\s*\n\s*")
# Page furniture that rides along with ad copy and means nothing to a reviewer.
BOILERPLATE = re.compile(
    r"(点击(查看|进入|了解)(详情|更多)?|查看详情|了解更多|立即(咨询|购买|抢购)|关闭广告|×|广告\s*[xX×]|"
    r"阅读原文|收藏|分享到|返回顶部|上一篇|下一篇)"
)
MIN_TEXT = 4


def clean_text(text: str | None) -> str:
    """Collapse whitespace and drop page furniture; keep every word of ad copy."""
    if not text:
        return ""
    text = BOILERPLATE.sub(" ", text)
    text = NEWLINES.sub("\n", SPACES.sub(" ", text))
    return text.strip()


def is_empty(text: str) -> bool:
    """Too little text left to be an ad worth scoring."""
    return len(re.sub(r"\W", "", text)) < MIN_TEXT


def clean_items(items: list[dict]) -> tuple[list[dict], int]:
    """Clean every item's text and title; drop those left empty. Returns (kept, dropped)."""
    kept = []
    for item in items:
        text = clean_text(item.get("text"))
        if is_empty(text):
            continue
        kept.append({**item, "text": text, "title": clean_text(item.get("title")) or None})
    return kept, len(items) - len(kept)
