"""Rule scoring throughput: admon's engine (normalisation, offsets, context) against a naive
keyword loop, flashtext's KeywordProcessor and bare automaton scans — same ads, same
patterns, one run.

Two bare scans: pyahocorasick (the baseline the goals name) and ahocorasick_rs, the automaton
admon now runs on (pyahocorasick looks a character up among a node's children one by one,
so it slows down as the patterns' first characters grow in number: 941 distinct first
characters here).

The pattern set is the bundled rule set plus synthetic rules of frequent corpus words, to
reach ``MIN_PATTERNS``; the ads are generated from corpus sentences with evasions mixed in.
"""

from __future__ import annotations

import json
import random
import re
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import ahocorasick
import ahocorasick_rs
import yaml
from flashtext import KeywordProcessor

from models.corpus import CORPUS
from rules.engine import Matcher
from rules.loader import CATEGORIES, DEFAULT_RULESET, load_ruleset

ADS = 100_000
NAIVE_ADS = 10_000  # the naive loop is measured on a sample: on all ads it would take minutes
MIN_PATTERNS = 1_500
BATCH = 2_000  # ads per match_many call, as the nightly flow scores them
SEED = 20260401
EVASIONS = (lambda w: " ".join(w), lambda w: "·".join(w), lambda w: w[:1] + "\u200b" + w[1:])


def generate_ads(count: int, seed: int = SEED) -> list[str]:
    """Ads stitched from 2–5 corpus clauses; one in ten has a term split by an evasion."""
    clauses = []
    for line in (CORPUS / "train.jsonl").read_text(encoding="utf-8").splitlines():
        clauses += [c for c in re.split(r"[，。！？；\n]", json.loads(line)["text"]) if len(c) >= 4]
    rnd = random.Random(seed)
    ads = []
    for _ in range(count):
        text = "，".join(rnd.choice(clauses) for _ in range(rnd.randint(2, 5))) + "。"
        if rnd.random() < 0.1:
            start = rnd.randrange(max(1, len(text) - 3))
            text = text[:start] + rnd.choice(EVASIONS)(text[start : start + 2]) + text[start + 2 :]
        ads.append(text)
    return ads


def bench_ruleset(folder: Path, ads: list[str]) -> Path:
    """The bundled rule set plus one synthetic file of frequent corpus words, up to MIN_PATTERNS."""
    index = yaml.safe_load((DEFAULT_RULESET / "index.yaml").read_text(encoding="utf-8"))
    for name in [*index["files"], index["homophones"], index["categories"]]:
        (folder / name).write_text((DEFAULT_RULESET / name).read_text(encoding="utf-8"), encoding="utf-8")
    existing = {p for r in load_ruleset(DEFAULT_RULESET).rules for p in r.patterns}
    grams = Counter(ad[i : i + 3] for ad in ads[:20_000] for i in range(len(ad) - 2))
    # Words a keyword list would hold: real phrases of the corpus, but not its most frequent
    # ones (a list of words found in every other ad would be useless to a regulator).
    ranked = [g for g, _ in grams.most_common() if re.fullmatch(r"[\u4e00-\u9fff]{3}", g) and g not in existing]
    words = ranked[2_000:]
    needed = max(0, MIN_PATTERNS - len(existing) + 10)
    rules = [{"id": f"bench.synthetic-{n}", "article": "28", "severity": "low", "patterns": words[i : i + 10],
              "examples": {"positive": [words[i]], "negative": ["无关文字"]}}
             for n, i in enumerate(range(0, needed, 10))]
    (folder / "synthetic.yaml").write_text(yaml.safe_dump({"rules": rules}, allow_unicode=True), encoding="utf-8")
    index["files"] = [*index["files"], "synthetic.yaml"]
    (folder / "index.yaml").write_text(yaml.safe_dump(index, allow_unicode=True), encoding="utf-8")
    return folder


def timed(function: Any, ads: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    found = sum(len(function(ad)) for ad in ads)
    return time.perf_counter() - started, found


def run(count: int = ADS) -> dict[str, Any]:
    ads = generate_ads(count)
    megabytes = sum(len(a.encode()) for a in ads) / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        ruleset = load_ruleset(bench_ruleset(Path(tmp), ads))
    matcher = Matcher(ruleset)
    literals = sorted({p for rule in ruleset.rules for p in rule.patterns})
    rnd = random.Random(SEED)
    categories = [rnd.choice(CATEGORIES) for _ in ads]

    processor = KeywordProcessor()
    for literal in literals:
        processor.add_keyword(literal)
    automaton = ahocorasick.Automaton()
    for literal in literals:
        automaton.add_word(literal, literal)
    automaton.make_automaton()
    rs_automaton = ahocorasick_rs.AhoCorasick(literals)

    results = {}
    naive_seconds, _ = timed(lambda ad: [k for k in literals if k in ad], ads[:NAIVE_ADS])
    results["naive"] = NAIVE_ADS / naive_seconds
    seconds, _ = timed(lambda ad: processor.extract_keywords(ad, span_info=True), ads)
    results["flashtext"] = count / seconds
    seconds, _ = timed(lambda ad: list(automaton.iter(ad)), ads)
    results["bare"] = count / seconds
    seconds, _ = timed(lambda ad: rs_automaton.find_matches_as_indexes(ad, overlapping=True), ads)
    results["bare_rs"] = count / seconds
    started = time.perf_counter()
    hits = 0
    for start in range(0, count, BATCH):
        batch = matcher.match_many(ads[start : start + BATCH], categories[start : start + BATCH])
        hits += sum(map(len, batch))
    admon_seconds = time.perf_counter() - started
    results["admon"] = count / admon_seconds
    return {
        "rules_ads": count,
        "rules_patterns": len(literals),
        "rules_automaton_keys": matcher.automaton_size,
        "rules_hits": hits,
        "rules_ads_per_s": round(results["admon"]),
        "rules_mb_per_s": round(megabytes / admon_seconds, 2),
        "rules_naive_ads_per_s": round(results["naive"]),
        "rules_flashtext_ads_per_s": round(results["flashtext"]),
        "rules_bare_ads_per_s": round(results["bare"]),
        "rules_bare_rs_ads_per_s": round(results["bare_rs"]),
        "rules_vs_naive": round(results["admon"] / results["naive"], 2),
        "rules_vs_flashtext": round(results["admon"] / results["flashtext"], 2),
        "rules_slowdown_vs_bare": round(results["bare"] / results["admon"], 2),
        "rules_slowdown_vs_bare_rs": round(results["bare_rs"] / results["admon"], 2),
    }
