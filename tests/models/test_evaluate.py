import json

import models.evaluate as evaluate_module
from models.evaluate import evaluate_rules_corpus

LINES = [
    {"id": "x1", "text": "康宁口腔 种植牙终身不松动 保证一次成功 张店区华光路8号 0533-1111111", "source_kind": "web",
     "category": "医疗服务", "violation": True, "articles": ["16"], "public_service": False, "tags": []},
    {"id": "x2", "text": "天天理财 年化收益稳赚8% 保本保息 0533-1111112", "source_kind": "web",
     "category": "金融投资", "violation": True, "articles": ["25"], "public_service": False, "tags": []},
    {"id": "x3", "text": "本品为普通食品，不能治疗疾病。沂源小米 每袋2.5kg 39元", "source_kind": "ecommerce",
     "category": "食品饮料", "violation": False, "articles": [], "public_service": False, "tags": ["hard_negative"]},
    {"id": "x4", "title": "秋天喝茶小常识", "text": "绿茶用80℃左右的水冲泡最佳，不要用沸水。", "source_kind": "wechat",
     "category": "食品饮料", "violation": False, "articles": [], "public_service": False, "tags": ["hard_negative"]},
]


def test_the_fused_verdict_on_the_rules_corpus_gets_no_labels(tmp_path, monkeypatch, scorer):
    path = tmp_path / "heldout.jsonl"
    path.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in LINES) + "\n", encoding="utf-8")
    seen = []
    real = evaluate_module.score_records

    def spy(records, **options):
        seen.extend(records)
        return real(records, **options)

    monkeypatch.setattr(evaluate_module, "score_records", spy)
    report = evaluate_rules_corpus(path, scorer.classifier)
    assert [set(r) for r in seen] == [{"id", "text", "source_kind"}] * 3 + [{"id", "title", "text", "source_kind"}]
    assert report["size"] == 4 and report["hard_negatives"] == 2
    assert report["violation"]["support"] == 2 and report["evasions"] == 0
    # the two plain violations are caught, the two compliant lines are not flagged
    assert report["violation"]["recall"] == 1.0 and report["hard_negative_fpr"] == 0.0
    assert 0 <= report["category_accuracy"] <= 1
