"""Recognise pages that are a block instead of content: captcha, verification, login wall.

``detect_block(page)`` returns a short reason ("captcha", "verification",
"login_wall", "access_denied") or None. Only strong signals are used (the page
title and the challenge widgets' own markers), never a bare word such as
"captcha" that ordinary pages carry in their scripts. Parsers add
platform-specific checks in ``Parser.detect_block``.
"""
from __future__ import annotations

import re

from crawler.page import Page

# (reason, pattern on the <title>)
_TITLES = [
    ("captcha", re.compile(r"^(security check|robot check|captcha|验证码|安全验证|人机验证|滑块验证)", re.I)),
    ("verification", re.compile(r"^(verify you are human|just a moment\.\.\.|attention required|"
                                r"pardon our interruption|are you a robot|访问验证|请稍候)", re.I)),
    ("access_denied", re.compile(r"^(access denied|403 forbidden|429 too many requests)", re.I)),
    ("login_wall", re.compile(r"^(log ?in|sign ?in|登录)\b.*$|^(log in|sign in) (to|•)", re.I)),
]
# (reason, marker in the body): the challenge scripts and containers themselves
_MARKERS = [
    # a captcha script actually loaded (src=), not its URL listed in an SDK's lazy-load config: every
    # Douyin page's ByteDance "sdk-glue" lists .../captcha/index.js in a JS array without loading it
    ("captcha", re.compile(r"oec-ttweb-captcha|captcha-config|<script[^>]+src=\"[^\"]*/captcha/index\.js|"
                           r"id=\"captcha-container\"|class=\"g-recaptcha\"|hcaptcha\.com/1/api\.js|"
                           r"/errors/validateCaptcha|punish\?x5secdata|nocaptcha|baxia-dialog|"
                           r"geo\.captcha-delivery\.com")),
    ("verification", re.compile(r"cf-chl-|_cf_chl_opt|challenge-platform/h/|px-captcha|_pxCaptcha")),
]
_SMALL_PAGE = 60_000  # challenge pages are small; a full product page mentioning a captcha SDK is not a block


def detect_block(page: Page) -> str | None:
    title = page.title
    for reason, pattern in _TITLES:
        if title and pattern.search(title):
            return reason
    if len(page.body) < _SMALL_PAGE:
        head = page.text
        for reason, pattern in _MARKERS:
            if pattern.search(head):
                return reason
    return None
