from crawlers.adfinder import find_ads, parse_html


def page(fixtures, name):
    return parse_html((fixtures / "pages" / name).read_text(encoding="utf-8"))


def test_finds_slots_by_filter_list_label_and_popup(fixtures):
    ads = find_ads(page(fixtures, "portal_slots.html"), "http://news.example.cn/")
    texts = {u.text: u for u in ads.units}
    assert "康华医院 牛皮癣根治不复发 无效退款" in texts
    assert texts["康华医院 牛皮癣根治不复发 无效退款"].link == "http://news.example.cn/ads/clinic.html"
    assert not texts["康华医院 牛皮癣根治不复发 无效退款"].labelled
    assert any("filter:.ad_headerbanner" in r for r in texts["康华医院 牛皮癣根治不复发 无效退款"].reasons)
    labelled = texts["鲁康堂蛋白粉 增强免疫力 限时五折"]
    assert labelled.labelled and labelled.link == "https://shop.example.com/p/1"
    assert any("美颜祛斑霜" in t for t in texts)


def test_news_text_and_empty_slots_are_not_ads(fixtures):
    ads = find_ads(page(fixtures, "portal_slots.html"), "http://news.example.cn/")
    assert not any("供暖" in u.text for u in ads.units)
    assert len(ads.units) == 3


def test_ad_frames_are_found_but_other_frames_are_not(fixtures):
    ads = find_ads(page(fixtures, "portal_slots.html"), "http://news.example.cn/")
    assert ads.frames == ["http://news.example.cn/ads/frame-1.html"]


def test_advertorial_without_label(fixtures):
    ads = find_ads(page(fixtures, "advertorial.html"), "http://news.example.cn/news/9.html")
    assert ads.advertorial and not ads.advertorial_labelled
