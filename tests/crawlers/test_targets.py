import pytest

from crawlers.profiles import ProfileError, load_profile
from crawlers.targets import TargetError, load_targets
from demo.server import TARGETS


def test_demo_targets_load():
    targets = load_targets(TARGETS)
    assert {t.kind for t in targets} == {"web", "wechat", "ecommerce", "outdoor", "broadcast"}
    outdoor = next(t for t in targets if t.kind == "outdoor")
    assert outdoor.path("path").exists()


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        ("targets:\n  - {name: a, kind: radio}\n", "target 'a': 'kind' must be one of"),
        ("targets:\n  - {name: a, kind: web}\n", "a web target needs 'start_urls'"),
        ("targets:\n  - {name: a, kind: wechat}\n", "needs 'feed' or 'article_urls'"),
        ("targets:\n  - {name: a, kind: outdoor, path: x.csv, colour: red}\n", "unknown key 'colour'"),
        ("targets:\n  - {name: a, kind: outdoor, path: x}\n  - {name: a, kind: outdoor, path: y}\n", "duplicate name"),
        ("targets: {}\n", "expected a mapping with a 'targets' list"),
    ],
)
def test_bad_targets_are_reported_with_the_target_and_reason(tmp_path, yaml_text, message):
    path = tmp_path / "targets.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(TargetError) as error:
        load_targets(path)
    assert message in str(error.value) and str(path) in str(error.value)


def test_profile_validation(tmp_path):
    assert load_profile("demo-mall.yaml").product["title"] == "h1.title::text"
    broken = tmp_path / "p.yaml"
    broken.write_text("platform: x\nmerchant_list: {item: 'a['}\nmerchant: {name: h1, products: a}\n"
                      "product: {title: h1, text: p}\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="merchant_list.item: invalid selector"):
        load_profile(broken)


def test_per_target_settings_override_the_polite_defaults():
    from crawlers.run import _spider_for
    from crawlers.targets import Target

    authorised = _spider_for(Target("t", "web", {"start_urls": ["http://a.cn/"], "obey_robots": False,
                                                 "download_delay": 0, "max_depth": 1}))
    assert authorised.custom_settings == {"ROBOTSTXT_OBEY": False, "DOWNLOAD_DELAY": 0.0, "DEPTH_LIMIT": 3}
    assert _spider_for(Target("t", "web", {"start_urls": ["http://a.cn/"]})).custom_settings == {}
