"""Weibo end to end: an account's statuses from the API, replayed from fixtures/weibo/account.har."""
from tests.e2e.harness import crawl, fixture_har


def test_account_statuses(tmp_path):
    result = crawl("weibo", fixture_har("weibo", "account"), tmp_path, account="6543210987")
    assert result.returncode == 0, result.stderr[-2000:]
    assert [r["id"] for r in result.of("post")] == ["5012345678901234", "5012345678900001"]
    post = result.one("post", "5012345678901234")
    assert post["query"] == "6543210987" and post["metrics"]["comments"] == 12000
    assert post["evidence"] is None  # an API response is not a rendered page
