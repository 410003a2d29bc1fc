from models.classifier import Prediction
from models.fusion import decide, load_thresholds
from rules.engine import Hit

T = load_thresholds().tuned({"model_confirms_low": 0.4, "model_only_flag": 0.8, "rule_veto": 0.1,
                             "article_threshold": 0.5})
STRONG = Hit("med.guarantee", "16", "high", 0, 2, "根治")
WEAK = Hit("data.unsourced", "11", "low", 0, 4, "研究表明")


def p(value, **articles):
    return Prediction(value, "医疗服务", 0.9, articles=articles)


def test_a_strong_hit_flags_unless_the_model_is_sure_it_is_clean():
    assert decide([STRONG], p(0.3), T) == (True, ["16"])
    assert decide([STRONG], p(0.05), T) == (False, [])


def test_a_weak_hit_needs_the_model_to_agree():
    assert decide([WEAK], p(0.3), T) == (False, [])
    assert decide([WEAK], p(0.5), T) == (True, ["11"])


def test_the_model_alone_flags_high_probabilities_with_its_likeliest_article():
    assert decide([], p(0.79, **{"16": 0.45}), T) == (False, [])
    assert decide([], p(0.9, **{"16": 0.45, "9-abs": 0.2}), T) == (True, ["16"])
    assert decide([STRONG], p(0.9, **{"9-abs": 0.7, "25": 0.1}), T) == (True, ["9-abs", "16"])
