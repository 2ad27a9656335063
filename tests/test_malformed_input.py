"""Bad input never crashes a parser: every fixture page, damaged in the usual ways,
gives records that validate or a clear ExtractionError, never another exception.

Fixtures are listed per platform in fixtures/pages/<platform>/urls.json
(file name -> the URL it stands for), so every parser's fixture is covered.
"""
from __future__ import annotations

import json

import pytest

from crawler.errors import ExtractionError, NoParser
from crawler.extract import extract
from crawler.page import Page
from tests.support import PAGES, wrong_types


def _fixtures():
    out = []
    for index in sorted(PAGES.glob("*/urls.json")):
        for name, url in json.loads(index.read_text(encoding="utf-8")).items():
            out.append((index.parent.name, index.parent / name, url))
    return out


FIXTURES = _fixtures()
IDS = ["%s/%s" % (p, f.name) for p, f, _ in FIXTURES]


def _outcome(body: bytes, url: str, platform: str | None = None):
    """Records, or the ExtractionError raised: anything else fails the test."""
    try:
        return extract(Page(url=url, body=body, fetched_at="2026-01-01T00:00:00Z", crawl_id="t"), platform)
    except ExtractionError as exc:
        assert str(exc).strip() and "\n" not in str(exc).strip(), "errors are one line"
        return exc




def test_there_is_a_fixture_for_every_parser():
    from crawler.registry import all_parsers

    covered = set()
    for platform, path, url in FIXTURES:
        page = Page(url=url, body=path.read_bytes())
        from crawler.registry import choose

        covered.add(choose(page).name)
    missing = sorted({p.name for p in all_parsers()} - covered)
    assert not missing, "parsers without a fixture in fixtures/pages: %s" % missing


@pytest.mark.parametrize("platform,path,url", FIXTURES, ids=IDS)
def test_fixture_parses_to_records(platform, path, url):
    records = extract(Page(url=url, body=path.read_bytes()))
    assert records, "fixture %s gives no record" % path.name


@pytest.mark.parametrize("platform,path,url", FIXTURES, ids=IDS)
def test_empty_body_is_a_clear_error(platform, path, url):
    for body in (b"", b"   \n"):
        assert isinstance(_outcome(body, url), NoParser)


@pytest.mark.parametrize("platform,path,url", FIXTURES, ids=IDS)
@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
def test_truncated_page_never_crashes(platform, path, url, fraction):
    body = path.read_bytes()
    result = _outcome(body[: int(len(body) * fraction)], url)
    assert isinstance(result, (list, ExtractionError))


@pytest.mark.parametrize("platform,path,url", FIXTURES, ids=IDS)
def test_another_platforms_page_is_not_read_as_this_one(platform, path, url):
    others = [p for other, p, _u in FIXTURES if other != platform]
    for other in others:
        result = _outcome(other.read_bytes(), url, platform)
        if isinstance(result, list):
            # whatever is read must at least carry this platform's slug, never another's data under it
            assert all(r.platform in (platform, "tmall", "taobao") for r in result)


@pytest.mark.parametrize("platform,path,url", [f for f in FIXTURES if f[1].suffix == ".json"],
                         ids=[i for i, f in zip(IDS, FIXTURES) if f[1].suffix == ".json"])
def test_json_with_wrong_types_never_crashes(platform, path, url):
    data = json.loads(path.read_text(encoding="utf-8"))
    result = _outcome(json.dumps(wrong_types(data)).encode(), url)
    if isinstance(result, list):
        for record in result:
            assert record.id and record.id not in ("many", "yes"), "no invented id"
