from lxml import html

from crawlers.easylist import load_filter_list, matching_elements, parse_filter_list


def test_the_real_list_is_indexed():
    filters = load_filter_list()
    assert len(filters) > 6000
    assert "ad_headerbanner" in filters.classes and "adLeftFloat" in filters.ids
    assert filters.exceptions


def test_domain_scoped_rules_and_exceptions():
    filters = parse_filter_list("##.banner-x\nsite.cn##.only-here\n~other.cn##.not-there\nsite.cn#@#.banner-x\n")
    doc = html.fromstring('<div><p class="banner-x">a</p><p class="only-here">b</p><p class="not-there">c</p></div>')
    on_site = {e.get("class") for e, _ in matching_elements(filters, doc, "www.site.cn")}
    on_other = {e.get("class") for e, _ in matching_elements(filters, doc, "other.cn")}
    assert on_site == {"only-here", "not-there"}
    assert on_other == {"banner-x"}


def test_complex_selectors_are_compiled():
    filters = parse_filter_list("###box > .slide-ad\n")
    doc = html.fromstring('<div id="box"><div class="slide-ad">x</div></div>')
    assert [e.get("class") for e, _ in matching_elements(filters, doc, "a.cn")] == ["slide-ad"]


def test_the_token_prefilter_never_hides_a_match():
    filters = parse_filter_list("##div:not(.plain) > .promo-x\n##a[href*='click'] > img\n##.a-x, .b-y\n")
    doc = html.fromstring('<div><div class="box"><p class="promo-x">a</p></div>'
                          '<a href="/click?id=1"><img src="x.png"></a><span class="b-y">b</span></div>')
    matched = {(e.tag, e.get("class")) for e, _ in matching_elements(filters, doc, "a.cn")}
    assert matched == {("p", "promo-x"), ("img", None), ("span", "b-y")}
