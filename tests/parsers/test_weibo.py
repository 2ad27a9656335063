import json

import pytest

from crawler.errors import PageChanged
from tests.support import PAGES, fixture_records, one, page_from
from crawler.extract import extract

URL = "https://weibo.com/ajax/statuses/mymblog?uid=6543210987&page=1&feature=0"


def test_status_list_gives_every_status():
    records = fixture_records("weibo", "mymblog_list.json", URL)
    assert [r.id for r in records] == ["5012345678901234", "5012345678900001"]
    first = one(records, "post", "5012345678901234")
    assert first.url == "https://weibo.com/6543210987/Pq7rStUvW"
    assert first.author.id == "6543210987" and first.author.name == "潮鞋小铺"
    assert first.author.handle == "潮鞋小铺"  # empty domain falls back to the screen name
    assert first.created_at == "2026-03-02T01:15:00Z"  # +0800 converted to UTC
    assert first.text.startswith("莆田纯原 1:1 复刻")  # text_raw, not the HTML text
    assert first.hashtags == ["耐克", "球鞋"]  # Weibo closes tags: "#tag#", "#tag[超话]#"
    assert first.media_type == "images" and first.image_count == 3
    assert first.metrics.comments == 12000 and first.metrics.likes == 4031 and first.metrics.shares == 12
    assert first.metrics.views is None and first.metrics.saves is None
    assert first.location == "发布于 福建"
    video = one(records, "post", "5012345678900001")
    assert video.media_type == "video" and video.duration_s == 31.5 and video.image_count is None
    assert video.author.handle == "chaoxie"
    assert video.created_at == "2026-03-01T15:59:59Z"


def test_error_answer_is_reported_not_empty(tmp_path):
    bad = tmp_path / "err.json"
    bad.write_text(json.dumps({"ok": 0, "msg": "请先登录"}))
    with pytest.raises(PageChanged, match="ok=0"):
        extract(page_from(bad, URL))


def test_missing_user_drops_nothing_silently(tmp_path):
    data = json.loads((PAGES / "weibo" / "mymblog_list.json").read_text())
    del data["data"]["list"][0]["user"]
    bad = tmp_path / "nouser.json"
    bad.write_text(json.dumps(data))
    records = extract(page_from(bad, URL))
    # a status without a user is not a status we can attribute: only the intact one remains
    assert [r.id for r in records] == ["5012345678900001"]
