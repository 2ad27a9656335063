"""The one block classifier: is this page a wall (captcha, verification, login, visitor, error) instead of content?

``classify(page)`` returns a short reason or None; ``explain(page)`` also says what decided it.
It judges the MAIN DOCUMENT only: its HTTP status, final URL, ``<title>``, headings, visible text
and forms, and the challenge widgets' own markers in its elements' attributes. Markup that
belongs to iframes, inline scripts, templates and noscript blocks is ignored (an item page whose
price sub-request was answered with a captcha carries that captcha's iframe; it is not a block).

It is asked only about pages that gave no record (``crawler.extract``): a page whose records
parse is never "blocked". Phrases are in the platforms' languages (zh, en, es, pt, id, vi, th,
ko, ja, ru, he, ar, de, fr, tr); a phrase in the visible text counts only on a page with little
visible text (a wall), or in its title or headline.

Reasons: captcha, verification, login_wall, visitor_wall, access_denied, rate_limited,
error_page. Used by ``scrapy extract`` (exit 3) and by the crawl (``blocked/<reason>`` stats).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.page import Page

_WALL_TEXT = 2500  # characters of visible text: a wall says little, a product page says a lot


def _any(*phrases: str) -> re.Pattern:
    return re.compile("|".join(phrases), re.I)


# (reason, phrases) in the order they are judged; titles, headings and short visible texts
_PHRASES: list[tuple[str, re.Pattern]] = [
    ("captcha", _any(
        r"\bcaptcha\b", r"security check", r"robot check", r"are you a robot", r"i'?m not a robot",
        r"type the characters you see", r"enter the characters you see", r"slide to (?:verify|complete)",
        r"drag the slider", r"complete the puzzle", r"验证码", r"安全验证", r"人机验证", r"滑块", r"拖动.{0,6}滑块",
        r"请完成.{0,6}验证", r"introduce los caracteres", r"escribe los caracteres", r"digite os caracteres",
        r"geben sie die zeichen", r"saisissez les caractères", r"geser untuk verifikasi", r"kéo.{0,10}xác minh",
        r"보안 문자", r"画像認証", r"認証コード", r"введите символы", r"докажите, что вы не робот",
        r"أنا لست روبوت", r"אני לא רובוט")),
    ("verification", _any(
        r"verify (?:you are|you're|that you are) (?:a )?human", r"checking (?:if the site connection is secure|your browser)",
        r"just a moment\.\.\.", r"attention required", r"pardon our interruption", r"unusual traffic",
        r"请稍候", r"访问验证", r"访问异常", r"异常访问", r"访问频次异常", r"环境异常", r"请验证", r"身份验证",
        r"verifica que eres humano", r"verifique que você é humano", r"verifikasi bahwa anda", r"xác minh bạn là người",
        r"ยืนยันว่าคุณเป็นมนุษย์", r"사람인지 확인", r"ロボットではないことを確認", r"подтвердите, что вы не робот",
        r"проверка браузера", r"אימות אנושי", r"تحقق من أنك إنسان")),
    ("rate_limited", _any(
        r"too many requests", r"rate limit(?:ed)?", r"请求过于频繁", r"操作太频繁", r"频率过快", r"demasiadas solicitudes",
        r"muitas solicitações", r"terlalu banyak permintaan", r"quá nhiều yêu cầu", r"слишком много запросов")),
    ("login_wall", _any(
        r"(?:log ?in|sign ?in) to (?:continue|see|view|access)", r"you (?:must|need to) (?:log ?in|sign ?in)",
        r"please (?:log ?in|sign ?in)", r"not (?:yet )?logged in", r"请(?:先)?登录", r"登录后(?:查看|继续|可见)",
        r"扫码登录", r"登录以", r"ainda não está logado", r"faça (?:o )?login", r"entre na sua conta para",
        r"inicia sesión para", r"iniciar sesión para continuar", r"no has iniciado sesión",
        r"silakan (?:masuk|login)", r"masuk untuk melanjutkan", r"vui lòng đăng nhập", r"đăng nhập để tiếp tục",
        r"กรุณาเข้าสู่ระบบ", r"เข้าสู่ระบบเพื่อ", r"로그인이 필요", r"로그인하세요", r"ログインしてください",
        r"ログインが必要", r"войдите(?:,| в| чтобы)", r"требуется вход", r"התחבר(?:ו)? כדי", r"יש להתחבר",
        r"سجّ?ل الدخول ل", r"يرجى تسجيل الدخول", r"bitte melde dich an", r"connectez-vous pour",
        r"devam etmek için giriş")),
    ("visitor_wall", _any(r"sina visitor system", r"visitor system", r"访客系统", r"游客验证")),
    ("access_denied", _any(
        r"^access denied", r"403 forbidden", r"you don't have permission to access", r"request blocked",
        r"访问被拒绝", r"acceso denegado", r"acesso negado", r"akses ditolak", r"truy cập bị từ chối",
        r"доступ запрещ", r"הגישה נדחתה", r"تم رفض الوصول")),
    ("error_page", _any(
        r"page (?:is )?(?:not found|unavailable|isn't available|is not available)", r"this page isn't available",
        r"something went wrong", r"página (?:indisponível|no disponible|não encontrada|no encontrada)",
        r"页面不存在", r"页面走丢", r"页面无法访问", r"内容不存在", r"halaman tidak (?:tersedia|ditemukan)",
        r"trang không (?:khả dụng|tồn tại)", r"ไม่พบหน้า", r"페이지를 찾을 수 없", r"ページが見つかりません",
        r"страница не найдена", r"הדף לא נמצא", r"الصفحة غير موجودة", r"seite nicht gefunden", r"page introuvable")),
]

# titles that are walls by themselves ("Log in • Instagram", "Entrar | Shopee"); a phrase anywhere else
# needs more words than these
_TITLES: list[tuple[str, re.Pattern]] = [
    ("login_wall", re.compile(r"^(?:log ?in|sign ?in|登录|登入|entrar|iniciar sesión|fazer login|masuk|đăng nhập|"
                              r"เข้าสู่ระบบ|로그인|ログイン|вход|התחברות|تسجيل الدخول|anmelden|connexion)(?:\b|\s|$)", re.I)),
    ("access_denied", re.compile(r"^(?:403\b|forbidden\b)", re.I)),
    ("rate_limited", re.compile(r"^429\b", re.I)),
]
# the challenge widgets themselves, in the main document's element attributes (id, class, src, action)
_WIDGETS: list[tuple[str, re.Pattern]] = [
    ("captcha", re.compile(r"oec-ttweb-captcha|captcha-container|g-recaptcha|h-captcha|hcaptcha\.com/1/api\.js|"
                           r"/errors/validateCaptcha|geo\.captcha-delivery\.com|nc_1_n1z|baxia-dialog|"
                           r"/captcha/index\.js|secsdk-captcha|verify-bar-close|captcha_verify", re.I)),
    ("verification", re.compile(r"cf-chl-|challenge-platform/h/|px-captcha|_pxCaptcha|cf-turnstile", re.I)),
]
# final URLs that are walls, whatever the page says
_URLS: list[tuple[str, re.Pattern]] = [
    ("captcha", re.compile(r"/_+tmd_+/punish|/punish\?|/captcha|validatecaptcha|/verify(?:center)?[/?]|"
                           r"sec\.taobao\.com|/verification[/?]", re.I)),
    ("login_wall", re.compile(r"/(?:accounts?/)?log[-_]?in(?:[/?.]|$)|/signin(?:[/?.]|$)|/ap/signin|"
                              r"passport\.|login\.(?:taobao|tmall|aliexpress)\.com|/buyer/login", re.I)),
    ("visitor_wall", re.compile(r"passport\.weibo\.com/visitor", re.I)),
]
_HTTP = {401: "login_wall", 403: "access_denied", 429: "rate_limited"}
# text that belongs to no document's own content
_INVISIBLE = ("script", "style", "noscript", "template", "iframe", "frame", "object", "svg", "head")


@dataclass(frozen=True)
class Verdict:
    reason: str
    why: str  # what decided it: "title", "url", "widget", "heading", "text", "form", "status"


def _visible_text(page: Page) -> str:
    not_hidden = " and ".join("not(ancestor::%s)" % tag for tag in _INVISIBLE)
    try:
        parts = page.sel.xpath("//body//text()[%s]" % not_hidden).getall()
    except ValueError:
        return ""
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


def _headings(page: Page) -> str:
    try:
        return " ".join(page.sel.xpath("//body//*[self::h1 or self::h2 or @role='alert' or @role='dialog']"
                                       "[not(ancestor::iframe)]//text()").getall())
    except ValueError:
        return ""


def _attributes(page: Page) -> str:
    """id, class, src and action of the main document's elements (none inside iframes or templates)."""
    try:
        values = page.sel.xpath("//*[not(ancestor-or-self::iframe) and not(ancestor::template) and "
                                "not(ancestor::noscript)]/@*[name()='id' or name()='class' or name()='src' "
                                "or name()='action']").getall()
    except ValueError:
        return ""
    return " ".join(values)


def _login_form(page: Page) -> bool:
    """A wall whose main form asks for a password and little else is on the page."""
    try:
        return bool(page.sel.xpath("//form[not(ancestor::iframe)][.//input[@type='password']]"))
    except ValueError:
        return False


def _phrase(text: str) -> str | None:
    for reason, pattern in _PHRASES:
        if text and pattern.search(text):
            return reason
    return None


def explain(page: Page, status: int | None = None) -> Verdict | None:
    """The block verdict on a page that gave no record, with what decided it; None for no block."""
    if status in _HTTP:
        return Verdict(_HTTP[status], "status")
    for reason, pattern in _URLS:
        if page.url and pattern.search(page.url):
            return Verdict(reason, "url")
    if page.is_json:
        return None  # API answers are judged by their platform's parser (status codes and messages)
    reason = _phrase(page.title) or next((r for r, p in _TITLES if p.search(page.title or "")), None)
    if reason:
        return Verdict(reason, "title")
    attributes = _attributes(page)
    for reason, pattern in _WIDGETS:
        if pattern.search(attributes):
            return Verdict(reason, "widget")
    reason = _phrase(_headings(page))
    if reason:
        return Verdict(reason, "heading")
    text = _visible_text(page)
    if len(text) <= _WALL_TEXT:
        reason = _phrase(text)
        if reason:
            return Verdict(reason, "text")
        if _login_form(page):
            return Verdict("login_wall", "form")
    return None


def classify(page: Page, status: int | None = None) -> str | None:
    verdict = explain(page, status)
    return verdict.reason if verdict else None


# ---- walls of platform families, for the parsers' own ``detect_block`` ----

# Alibaba's anti-bot (Taobao, Tmall, AliExpress, Lazada): the punish redirect, its x5sec token, mtop's
# refusals and the baxia slider dialog
ALIBABA_PUNISH = re.compile(r"punish\?x5secdata|_____tmd_____/punish|x5secdata=|FAIL_SYS_USER_VALIDATE|RGV587_ERROR|"
                            r"baxia-dialog|\"action\"\s*:\s*\"captcha\"")


def bytedance_waf(page: Page) -> bool:
    """ByteDance's WAF proof-of-work page (TikTok, Tokopedia): ``#cs`` (the base64 challenge) with
    ``#wci`` or ``_wafchallengeid`` (the cookie it sets)."""
    if page.is_json:
        return False
    try:
        sel = page.sel
        return bool(sel.xpath('//*[@id="cs"]')) and bool(sel.xpath('//*[@id="wci"]') or "_wafchallengeid" in page.text)
    except ValueError:
        return False
