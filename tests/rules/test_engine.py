import pytest

from rules import default_matcher


def rules_hit(text, category=None):
    return {h.rule for h in default_matcher().match(text, category=category)}


@pytest.mark.parametrize(
    "text",
    ["全城最 佳口碑", "全城最·佳口碑", "全城最\u200b佳口碑", "全城最佳口碑", "全城zui佳口碑", "全城最佳口碑"],
)
def test_evasive_spellings_of_an_absolute_term_are_caught(text):
    assert "abs.best" in rules_hit(text)


@pytest.mark.parametrize(
    ("text", "category", "rule"),
    [
        ("牛皮癣治yu不复发", "医疗服务", "med.guarantee"),
        ("牛皮癣gen治", "医疗服务", "med.guarantee"),
        ("考证包guo班", None, "edu.guarantee"),
        ("保ben理财", None, "fin.guarantee"),
        ("行业第①品牌", None, "abs.first"),
        ("全網ＮＯ．１", None, "abs.first"),
    ],
)
def test_pinyin_homophone_and_digit_evasions(text, category, rule):
    assert rule in rules_hit(text, category)


@pytest.mark.parametrize(
    "text",
    [
        "最佳食用期：开封后7天内",
        "第一步：清洁面部",
        "周村烧饼制作技艺是国家级非物质文化遗产",
        "国家一级能效变频空调",
        "本产品为非保本浮动收益型，不承诺保本",
    ],
)
def test_hard_negatives_raise_no_absolute_or_finance_hit(text):
    assert not rules_hit(text) & {"abs.best", "abs.first", "abs.national", "fin.guarantee"}


def test_the_same_words_fall_under_different_articles_by_sector():
    food = default_matcher().match("喝了能治疗糖尿病", category="食品饮料")
    health_food = default_matcher().match("喝了能治疗糖尿病", category="保健食品")
    medical = default_matcher().match("喝了能治疗糖尿病", category="医疗服务")
    assert {h.article for h in food} == {"17"}
    assert "18" in {h.article for h in health_food}
    assert not {h.article for h in medical} & {"17", "18"}


def test_negation_cancels_a_negatable_rule():
    assert "med.cure-claim-nonmedical" not in rules_hit("本品不能治疗疾病", "食品饮料")
    assert "med.cure-claim-nonmedical" in rules_hit("本品能治疗疾病", "食品饮料")


def test_a_missing_required_notice_is_itself_a_hit_and_its_presence_clears_it():
    missing = default_matcher().match("鲁康堂蛋白粉，增强免疫力", category="保健食品")
    notice = [h for h in missing if h.rule == "hf.missing-notice"]
    assert notice and notice[0].article == "18" and notice[0].note
    present = rules_hit("鲁康堂蛋白粉，增强免疫力。保健食品不能代替药物", "保健食品")
    assert "hf.missing-notice" not in present


def test_spans_index_the_original_text():
    text = "ＴＯＰ １ 人气面霜，效果最·佳！"
    for hit in default_matcher().match(text):
        assert text[hit.start : hit.end] == hit.text
    assert any(h.text == "最·佳" for h in default_matcher().match(text))


def test_category_guess_from_keywords():
    assert default_matcher().guess_category("本院专家坐诊，挂号电话")[0] == "医疗服务"
    assert default_matcher().guess_category("垃圾分类，从我做起，共建文明城市")[0] == "公益"


@pytest.mark.parametrize(
    "text",
    [
        "【反诈提醒】收到“稳赚不赔”“内部名额”的理财短信？请直接删除！",
        "该公司因发布“根治牛皮癣”“治愈率98%”等内容，被市场监管部门处罚决定罚款5万元。",
    ],
)
def test_terms_quoted_in_warnings_and_penalty_notices_are_not_claims(text):
    hits = default_matcher().match(text, category="金融投资")
    assert not [h for h in hits if h.rule in ("fin.guarantee", "fin.missing-risk-warning", "med.cure-rate")]


def test_the_same_terms_unquoted_in_an_ad_are_hits():
    assert "fin.guarantee" in rules_hit("鑫鼎理财，稳赚不赔，年底分红", "金融投资")


def test_a_batch_gives_the_same_hits_as_one_text_at_a_time():
    texts = ["核心地段，距市中心仅10分钟车程，升值潜力巨大", "齐都理财 年化收益15% 稳赚不赔",
             "距地铁站10分钟，本店最新款", "治愈率98%，根治牛皮癣", "全城最 佳口碑"]
    categories = ["房地产", "金融投资", "日用消费品", "医疗服务", None]
    batch = default_matcher().match_many(texts, categories)
    assert batch == [default_matcher().match(t, category=c) for t, c in zip(texts, categories, strict=True)]
    assert any(h.rule == "estate.promise" or h.article == "26" for h in batch[0])
    assert not any(h.article == "26" for h in batch[2])  # the real-estate regex is not run on other sectors


@pytest.mark.parametrize(
    ("text", "category", "rule"),
    [
        ("本院專家團隊 牛皮癣bǎo证根治", "医疗服务", "med.guarantee"),  # tone marks fold away
        ("理财产品保bĕn保息", "金融投资", "fin.guarantee"),
        ("全城最jiā口碑", None, "abs.best"),
    ],
)
def test_any_character_of_a_literal_may_be_written_in_pinyin(text, category, rule):
    assert rule in rules_hit(text, category)


def test_a_pinyin_variant_keeps_a_chinese_character_so_bare_syllables_never_match():
    from rules.engine import evasive_spellings, spellings

    table = evasive_spellings({"最", "佳"}, {})
    assert "zui" in table["最"] and "jia" in table["佳"]
    assert spellings("最佳", table)[:1] == ["最佳"]
    assert "zuijia" not in spellings("最佳", table)
    assert rules_hit("zui jia shi jian") == set()


@pytest.mark.parametrize(
    "text",
    ["「第一坊®」手工烧饼 周村老店", "冠军™ 跑步鞋 新款上市", "淄博第一医药有限公司 诚聘药师",
     "周村第一百货商店 年货节"],
)
def test_a_term_inside_a_trademark_or_firm_name_is_not_an_absolute_claim(text):
    assert not [h for h in default_matcher().match(text) if h.article == "9-abs"]


@pytest.mark.parametrize("text", ["第一坊手工烧饼 全城第一", "全城最佳口碑家装公司", "本市最大的有限公司"])
def test_the_same_terms_outside_a_name_are_absolute_claims(text):
    assert [h for h in default_matcher().match(text) if h.article == "9-abs"]


@pytest.mark.parametrize(
    "text",
    [
        "张店区某眼镜店因在广告中使用国家级、最佳等用语，被市场监管局罚款2万元。",
        "警惕以保本高息为诱饵的非法集资，谨防上当受骗。",
    ],
)
def test_terms_cited_without_quotation_marks_in_notices_are_not_claims(text):
    hits = default_matcher().match(text, category="金融投资")
    assert not [h for h in hits if h.article in ("9-abs", "25")], hits


def test_negation_reaches_back_within_its_clause_only():
    assert "fin.guarantee" not in rules_hit("本产品不承诺也不保证保本", "金融投资")
    assert "fin.guarantee" in rules_hit("不能错过，保本理财", "金融投资")


def test_a_negation_in_one_banner_phrase_does_not_cancel_a_claim_in_the_next():
    assert "hf.disease" in rules_hit("蜂胶｜保健食品不能代替药物｜调理高血压", "保健食品")
    assert "nonmed.disease" in rules_hit("纯植物 不含激素 治疗湿疹", "化妆品")
    assert "nonmed.disease" not in rules_hit("本品不能治疗湿疹", "化妆品")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("临淄一商户因在传单上宣传保本保息，被区市场监管局罚款三万元。", "金融投资"),
        ("某店将普通食品宣传为具有治疗糖尿病作用，已被立案调查。", "食品饮料"),
    ],
)
def test_what_a_firm_was_punished_for_saying_is_cited_not_claimed(text, category):
    hits = default_matcher().match(text, category=category)
    assert not [h for h in hits if h.article in ("17", "25")], hits


def test_a_negation_that_runs_into_the_hit_negates_it():
    assert "edu.admission" not in rules_hit("青蓝考研｜课程不承诺上岸｜第一课免费试听", "教育培训")
    assert "edu.admission" in rules_hit("青蓝考研｜签约承诺上岸｜第一课免费试听", "教育培训")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("本台消息：一家培训学校因为传单上写了保过、签约包就业这类字眼，日前吃了区市场监管局的罚单。", "教育培训"),
        ("听众朋友请注意，凡是包治百病、根治不复发、无效退款的医疗广告都涉嫌违法，遇到可拨打12315反映。", "医疗服务"),
    ],
)
def test_a_notice_with_no_call_to_action_sells_nothing_and_raises_no_hit(text, category):
    assert default_matcher().match(text, category=category) == []


def test_the_same_notice_words_with_a_phone_number_are_an_ad():
    text = "本台消息：张店某培训学校保过班火热招生，不过退费，热线0533-5550123。"
    assert "edu.guarantee" in rules_hit(text, "教育培训")


def test_an_advertorial_dressed_as_news_keeps_its_art_14_hit():
    text = "记者走访发现，这家口腔诊所天天排队，种植牙成功率达99.8%，获悉近期还有老年专属优惠。来源：合作稿件"
    assert "14" in {h.article for h in default_matcher().match(text, category="医疗服务")}


def test_marker_lists_must_be_strings(tmp_path):
    import shutil

    from rules import RuleSyntaxError, load_ruleset
    from rules.loader import DEFAULT_RULESET

    folder = tmp_path / "rs"
    shutil.copytree(DEFAULT_RULESET, folder)
    index = folder / "index.yaml"
    index.write_text(index.read_text(encoding="utf-8").replace("report_markers: [", "report_markers: [12315, "),
                     encoding="utf-8")
    with pytest.raises(RuleSyntaxError, match="report_markers"):
        load_ruleset(folder)


def test_a_job_ad_sells_nothing_even_with_a_phone_number():
    text = "淄川仁和医院招聘｜护士5名 康复治疗师2名｜最低学历大专｜电话0533-1293085"
    assert default_matcher().match(text, category="医疗服务") == []


def test_a_consumer_tip_that_only_says_consult_a_professional_is_no_ad():
    text = "补钙的第一步，先弄清自己缺不缺。营养师提醒：钙补充剂不能治疗骨质疏松，服用前请咨询专业人员。"
    assert default_matcher().match(text, category="保健食品") == []
