import json
import random

import pytest

from models import train as training
from models.corpus import CORPUS, CorpusError, load_corpus, load_split


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    """A 240-line stratified sample of the bundled training split, as its own corpus folder."""
    records = load_split("train")
    rnd = random.Random(1)
    sample = rnd.sample(records, 240)
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "train.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sample),
                                        encoding="utf-8")
    return folder


def test_training_is_deterministic(small_corpus, tmp_path):
    first = training.train(corpus=small_corpus)
    second = training.train(corpus=small_corpus)
    texts = [r["text"] for r in load_split("heldout")[:60]]
    a = first.violation.predict_proba(first.features.transform(texts))
    b = second.violation.predict_proba(second.features.transform(texts))
    assert (a == b).all()
    assert first.version == second.version and first.meta["selection"] == second.meta["selection"]


def test_artifact_round_trip_and_staleness(small_corpus, tmp_path):
    artifact = training.train(corpus=small_corpus)
    training.save(artifact, tmp_path)
    loaded = training.load(tmp_path, corpus=small_corpus)
    assert loaded is not None and loaded.version == artifact.version
    meta = json.loads((tmp_path / artifact.version / "meta.json").read_text(encoding="utf-8"))
    assert meta["data_hash"] and meta["versions"]["scikit-learn"] and meta["train_size"] == 240
    with open(small_corpus / "train.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"text": "新增一条广告：最佳选择", "category": "日用消费品", "violation": True,
                                 "articles": ["9-abs"]}, ensure_ascii=False) + "\n")
    assert training.load(tmp_path, corpus=small_corpus) is None, "a changed corpus makes the artifact stale"


def test_the_held_out_split_is_never_trained_on():
    from models.classifier import load_classifier

    train_files = load_classifier().artifact.meta["train_files"]
    assert train_files and all(not f.startswith("heldout") for f in train_files)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "invalid JSON"),
        ('{"text": "x", "category": "宠物", "violation": false}', "unknown category '宠物'"),
        ('{"text": "x", "category": "药品", "violation": "yes"}', "'violation' must be true or false"),
        ('{"text": "x", "category": "药品", "violation": true, "articles": []}', "present exactly when"),
    ],
)
def test_corpus_errors_name_file_and_line(tmp_path, line, message):
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "ok", "category": "药品", "violation": false}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(CorpusError) as error:
        load_corpus(path)
    assert f"{path}:2:" in str(error.value) and message in str(error.value)


def test_bundled_corpus_is_valid():
    assert len(load_split("train")) >= 500 and len(load_split("heldout")) >= 150
    assert (CORPUS / "heldout.jsonl").exists()


def test_thresholds_tuned_on_another_rule_set_make_the_artifact_stale(small_corpus, tmp_path):
    from rules.loader import ruleset_version

    artifact = training.train(corpus=small_corpus, choose_thresholds=lambda records, oof: {"rule_veto": 0.1})
    assert artifact.meta["thresholds_ruleset"] == ruleset_version()
    training.save(artifact, tmp_path)
    assert training.load(tmp_path, corpus=small_corpus) is not None
    meta_path = tmp_path / artifact.version / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["thresholds_ruleset"] = "2026.01.1"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    assert training.load(tmp_path, corpus=small_corpus) is None
