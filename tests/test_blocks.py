"""The one block classifier (crawler/blocks.py): walls are recognised from the main document in the
platforms' languages, markup of iframes and sub-requests never makes a page "blocked", and a page
whose records parse is never blocked."""
from __future__ import annotations

import pytest

from crawler.blocks import classify, explain
from crawler.errors import BlockedPage
from crawler.extract import extract
from crawler.page import Page
from tests.support import PAGES


def _page(body: str, url: str = "https://shop.example/x", title: str = "Shop") -> Page:
    html = "<html><head><title>%s</title></head><body>%s</body></html>" % (title, body)
    return Page(url=url, body=html.encode("utf-8"))


@pytest.mark.parametrize("text,reason", [
    ("Página indisponível. Parece que você ainda não está logado. Faça login para continuar.", "login_wall"),
    ("请先登录后查看更多内容", "login_wall"),
    ("Silakan masuk untuk melanjutkan belanja", "login_wall"),
    ("Vui lòng đăng nhập để tiếp tục", "login_wall"),
    ("กรุณาเข้าสู่ระบบ", "login_wall"),
    ("로그인이 필요합니다", "login_wall"),
    ("ログインしてください", "login_wall"),
    ("Войдите, чтобы продолжить", "login_wall"),
    ("יש להתחבר כדי להמשיך", "login_wall"),
    ("يرجى تسجيل الدخول للمتابعة", "login_wall"),
    ("请拖动滑块完成验证", "captcha"),
    ("Type the characters you see in this image", "captcha"),
    ("Digite os caracteres que você vê", "captcha"),
    ("We have detected unusual traffic from your network", "verification"),
    ("访问频次异常，请稍后再试", "verification"),
    ("Too many requests, slow down", "rate_limited"),
    ("Sina Visitor System", "visitor_wall"),
    ("Halaman tidak tersedia", "error_page"),
    ("页面不存在", "error_page"),
])
def test_walls_in_the_visible_text_of_a_generic_page(text, reason):
    page = _page("<div class='app'><p>%s</p><button>OK</button></div>" % text, title="Shopee Brasil | Ofertas")
    verdict = explain(page)
    assert verdict is not None and (verdict.reason, verdict.why) == (reason, "text")


@pytest.mark.parametrize("title,reason", [
    ("Security Check", "captcha"), ("Robot Check", "captcha"), ("Just a moment...", "verification"),
    ("Log in • Instagram", "login_wall"), ("登录 - 淘宝网", "login_wall"), ("Access Denied", "access_denied"),
])
def test_walls_by_title(title, reason):
    assert classify(_page("<p>…</p>", title=title)) == reason


def test_final_url_and_http_status_decide():
    assert explain(_page("<p>x</p>", url="https://detail.tmall.com/_____tmd_____/punish?x5secdata=abc")).why == "url"
    assert classify(_page("<p>x</p>", url="https://www.instagram.com/accounts/login/?next=/p/x/")) == "login_wall"
    assert classify(_page("<p>hello</p>"), status=429) == "rate_limited"
    assert classify(_page("<p>hello</p>"), status=200) is None


def test_markup_of_a_sub_request_is_not_a_block():
    """An item page whose price call was punished carries the captcha's iframe and a dialog script."""
    body = ("<h1>Apple iPhone 11 64GB</h1>" + "<p>Product detail text. </p>" * 300 +
            "<div class='sufei-dialog'><iframe src='https://login.tmall.com/?redirectURL=https%3A%2F%2F"
            "detail.tmall.com%2F_____tmd_____%2Fpunish%3Fx5secdata%3Dxyz'>"
            "<div id='captcha-container'>滑块验证</div></iframe></div>"
            "<script>var cfg={captcha:'/captcha/index.js', nocaptcha:true}</script>")
    page = _page(body, url="https://detail.tmall.com/item.htm?id=1", title="Apple iPhone 11-tmall.com天猫")
    assert explain(page) is None


def test_a_long_content_page_mentioning_a_wall_word_is_not_a_wall():
    reviews = "".join("<p>Review %d: arrived fast, no need to log in to see the manual, great.</p>" % i
                      for i in range(80))
    assert classify(_page("<h1>Serum 30ml</h1>" + reviews)) is None


def test_widget_markers_only_in_the_main_document():
    assert explain(_page("<div id='captcha-container'></div>")).why == "widget"
    assert classify(_page("<iframe src='x'><div class='g-recaptcha'></div></iframe><p>fine</p>")) is None
    assert classify(_page("<template><div class='g-recaptcha'></div></template><p>fine</p>")) is None


def test_a_login_form_on_a_short_page():
    assert explain(_page("<form action='/session'><input name='u'><input type='password'></form>")).why == "form"


def test_json_is_judged_by_its_parser_not_here():
    assert classify(Page(url="https://x.example/api", body=b'{"msg": "please log in to continue"}')) is None


def test_a_page_whose_records_parse_is_never_blocked():
    """A product page with a captcha title and widget still gives its records."""
    html = (PAGES / "web" / "store_product.html").read_text(encoding="utf-8")
    html = html.replace("<title>", "<title>Security Check ", 1).replace(
        "<body>", "<body><div id='captcha-container'></div>", 1)
    page = Page(url="https://www.zapatos-ejemplo.es/tienda/zapatilla-runner-azul", body=html.encode("utf-8"))
    assert "Security Check" in page.title
    records = extract(page)
    assert records and records[0].kind == "listing"


def test_blocked_fixture_pages_name_their_reason():
    for name, reason in (("security_check.html", "captcha"), ("verify_human.html", "verification")):
        page = Page(url="https://www.tiktok.com/@x/video/1", body=(PAGES / "blocked" / name).read_bytes())
        with pytest.raises(BlockedPage) as caught:
            extract(page)
        assert caught.value.reason == reason
