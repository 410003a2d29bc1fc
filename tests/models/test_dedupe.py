from models.dedupe import NearDuplicateIndex, content_hash, distance, group_items, simhash

CLINIC = "康华皮肤病医院 银屑病·白癜风专科 中西医结合 根治不复发 治愈率98% 无效退款 电话0533-1234567"


def test_evasive_spacing_is_the_same_ad():
    assert content_hash("全城最 佳口碑") == content_hash("全城最佳口碑")


def test_copies_with_other_numbers_are_near_duplicates_and_other_ads_are_not():
    copy = CLINIC.replace("0533-1234567", "0533-7654321").replace("98%", "97%")
    other = "鑫鼎理财 保本保息 年化收益15% 稳赚不赔 1万元起投 按月付息"
    assert distance(simhash(CLINIC), simhash(copy)) == 0
    assert distance(simhash(CLINIC), simhash(other)) > 12


def test_index_finds_a_known_cluster_within_the_distance():
    index = NearDuplicateIndex([(simhash(CLINIC), "cluster-a")])
    assert index.find(simhash(CLINIC.replace("1234567", "2222222"))) == "cluster-a"
    assert index.find(simhash("齐都理财 稳健收益 业绩比较基准3.5% 投资有风险")) is None
    assert index.find(simhash(CLINIC) ^ 0b1111111) is None  # 7 bits away


def test_group_items_scores_each_copy_once_and_joins_known_clusters():
    items = [
        {"id": "1", "text": CLINIC},
        {"id": "2", "text": CLINIC.replace(" ", "  ")},  # same copy, other spacing: same ad
        {"id": "3", "text": CLINIC.replace("1234567", "8888888")},  # near copy: new ad, same cluster
        {"id": "3", "text": CLINIC},  # repeated item id: dropped
        {"id": "4", "text": "周村烧饼 国家级非物质文化遗产 最佳赏味期7天"},
    ]
    tagged, representatives = group_items(items, known=[(simhash(CLINIC), "last-week")])
    assert [t["id"] for t in tagged] == ["1", "2", "3", "4"]
    assert len(representatives) == 3
    assert tagged[0]["content_hash"] == tagged[1]["content_hash"] != tagged[2]["content_hash"]
    assert tagged[0]["cluster_key"] == tagged[2]["cluster_key"] == "last-week"
    assert tagged[3]["cluster_key"] == tagged[3]["content_hash"]
