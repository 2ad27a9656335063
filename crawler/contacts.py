"""Off-platform contacts in a record's text: phone, WeChat, WhatsApp, Telegram, LINE, QQ, e-mail, URL.

``record_contacts(record)`` reads every text field of a record (title, text, description,
bio, name, the author's/seller's/host's name, links) and returns ``Contact`` objects whose
``source`` names the field. ``find_contacts(text, regions)`` is the same on one string.

Values are normalised so that the same handle found on two platforms compares equal:

- phone, and WhatsApp numbers: E.164 (``+6281234567890``), parsed by ``phonenumbers`` with a
  region hint from the record (its URL's country domain, its ``region``/``location``, the
  platform) and from the script or language of the text (Thai, Vietnamese, Chinese, Indonesian...);
- WeChat, Telegram, LINE IDs: lower case, without a leading ``@`` (LINE official accounts keep it);
  QQ: the digits; e-mail: lower case;
- invite links that name no handle (``chat.whatsapp.com/…``, ``t.me/+…``, ``lin.ee/…``) are kept
  as ``https://`` URLs under their messenger's type; other external URLs as written (scheme added),
  link shorteners kept and never resolved; links to the record's own platform are not contacts.

Obfuscation undone first: full-width digits and letters, circled and keycap-emoji digits,
zero-width characters, spaces/dashes/dots inside numbers, "at"/"dot" spelled out (and their
Spanish, Portuguese, Indonesian, Vietnamese, Thai and Chinese forms).

Precision: a bare number is a phone only when it is a valid mobile number for one of the
region hints in its usual national form, or when a phone keyword ("tel", "hp", "电话", "sđt",
"โทร"...) introduces it; numbers next to a currency, a unit or a count word, dates, years and
numbers introduced by an order/product/tracking keyword never are.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import parse_qs, urlsplit

import phonenumbers
from phonenumbers import PhoneNumberType

from crawler.schema import Contact

# ---------------------------------------------------------------- normalising the text

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_DINGBAT_DIGITS = {}
for _base in (0x2776, 0x2780, 0x278A):  # ❶..❾, ➀..➈, ➊..➒ (the tenth of each is "10")
    for _i in range(9):
        _DINGBAT_DIGITS[_base + _i] = str(_i + 1)
    _DINGBAT_DIGITS[_base + 9] = "10"
_DINGBAT_DIGITS[0x24FF] = "0"  # ⓿
_DINGBAT_DIGITS[0x1F10B] = "0"
_DINGBAT_DIGITS[0x1F10C] = "0"
_KEYCAP = re.compile("([0-9#*])\ufe0f?\u20e3")


def normalize(text: str) -> str:
    """Full-width and circled characters to ASCII, keycap emoji to digits, zero-width removed."""
    text = _KEYCAP.sub(r"\1", text.translate(_ZERO_WIDTH))
    text = text.translate(_DINGBAT_DIGITS)
    text = unicodedata.normalize("NFKC", text)
    return text.replace("\ufe0f", "")


# ---------------------------------------------------------------- region hints

_TLD_REGION = {
    "co.id": "ID", "id": "ID", "vn": "VN", "co.th": "TH", "th": "TH", "com.my": "MY", "my": "MY", "ph": "PH",
    "com.ph": "PH", "sg": "SG", "com.sg": "SG", "tw": "TW", "com.tw": "TW", "com.br": "BR", "br": "BR",
    "com.mx": "MX", "mx": "MX", "com.ar": "AR", "cl": "CL", "com.co": "CO", "com.pe": "PE", "pe": "PE",
    "com.uy": "UY", "com.ec": "EC", "com.ve": "VE", "es": "ES", "de": "DE", "fr": "FR", "it": "IT",
    "co.uk": "GB", "uk": "GB", "ca": "CA", "com.au": "AU", "co.jp": "JP", "jp": "JP", "cn": "CN", "hk": "HK",
    "ru": "RU", "in": "IN", "co.kr": "KR", "kr": "KR", "pt": "PT", "nl": "NL", "pl": "PL", "tr": "TR",
}
_PLATFORM_REGION = {"douyin": "CN", "xiaohongshu": "CN", "weibo": "CN", "taobao": "CN", "tmall": "CN",
                    "kuaishou": "CN"}
_LANGUAGE_HINTS = [
    ("TH", re.compile(r"[\u0e00-\u0e7f]")),
    ("VN", re.compile(r"(?i:\b(?:zalo|hàng|giá|liên hệ)\b)|[ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")),
    ("CN", re.compile(r"[\u4e00-\u9fff]")),
    ("KR", re.compile(r"[\uac00-\ud7af]")),
    ("JP", re.compile(r"[\u3040-\u30ff]")),
    ("ID", re.compile(r"\b(?:yang|dan|untuk|bisa|hubungi|kak|gan|harga|murah|ready|tanya|aja|juga|dengan|"
                      r"pesan|langsung|nomor|ini|tersedia|barang|sekarang|kirim|ongkir|atau|tiap|hari|kontak|sepatu|respon|no\.?\s*hp)\b", re.I)),
    ("BR", re.compile(r"\b(?:você|voce|não|frete|grátis|chama|preço|pedidos?|envio|entrega|"
                      r"contato|compre|loja|aqui|também|pelo|wpp|zap|ligue|ligação|horário|atendimento|unidades|curtidas)\b|ção\b|ções\b", re.I)),
    ("MX", re.compile(r"\b(?:envío|envios|envíos|precio|llámanos|llama|escríbenos|pedidos|mándanos|contáctanos|"
                      r"aquí|también|tienda|gratis|compra|ventas|mayoreo|por mayor|catálogo)\b", re.I)),
]


def region_of_host(host: str | None) -> str | None:
    host = (host or "").lower().rstrip(".")
    parts = host.split(".")
    for n in (2, 1):
        if len(parts) > n and ".".join(parts[-n:]) in _TLD_REGION:
            return _TLD_REGION[".".join(parts[-n:])]
    if host.endswith("amazon.com") or host.endswith("ebay.com"):
        return "US"
    return None


def text_regions(text: str) -> list[str]:
    return [region for region, pattern in _LANGUAGE_HINTS if pattern.search(text)]


def record_regions(record) -> list[str]:
    """Region hints of a record, most specific first: its URL's country domain, its own
    region/location field, the platform's home."""
    regions = []
    for url in (getattr(record, "url", None), getattr(record, "source_url", None)):
        region = region_of_host(urlsplit(url or "").hostname)
        if region:
            regions.append(region)
    for name in ("region", "location"):
        value = getattr(record, name, None)
        if isinstance(value, str) and re.fullmatch(r"[A-Z]{2}", value.strip()):
            regions.append(value.strip())
    platform_region = _PLATFORM_REGION.get(getattr(record, "platform", ""))
    if platform_region:
        regions.append(platform_region)
    return list(dict.fromkeys(regions))


# ---------------------------------------------------------------- own-platform domains

PLATFORM_DOMAINS = {
    "tiktok": ("tiktok.com", "tiktokcdn.com", "tiktokv.com"), "tiktok_shop": ("tiktok.com",),
    "douyin": ("douyin.com", "iesdouyin.com"), "kuaishou": ("kuaishou.com",),
    "xiaohongshu": ("xiaohongshu.com", "xhslink.com", "xhscdn.com"), "weibo": ("weibo.com", "weibo.cn", "sinaimg.cn"),
    "instagram": ("instagram.com", "cdninstagram.com"), "youtube": ("youtube.com", "youtu.be"),
    "facebook_marketplace": ("facebook.com", "fb.com", "fbcdn.net"), "taobao": ("taobao.com", "tmall.com", "tb.cn"),
    "tmall": ("tmall.com", "taobao.com", "tb.cn"), "amazon": ("amazon.", "amzn.to", "amzn.eu", "a.co"),
    "ebay": ("ebay.", "ebayimg.com"), "shopee": ("shopee.", "shope.ee", "susercontent.com"),
    "aliexpress": ("aliexpress.", "alicdn.com", "a.aliexpress.com"),
    "mercadolibre": ("mercadolibre.", "mercadolivre.", "mlstatic.com"), "etsy": ("etsy.com", "etsy.me"),
    "shopify": ("myshopify.com",), "web": (),
}


def _is_own(host: str, platform: str | None, own_hosts: Iterable[str] = ()) -> bool:
    host = host.lower()
    if host.startswith("www."):
        host = host[4:]
    for domain in list(PLATFORM_DOMAINS.get(platform or "", ())) + [h for h in own_hosts if h]:
        domain = domain.lower()
        if domain.startswith("www."):
            domain = domain[4:]
        if domain.endswith("."):  # "amazon." = any amazon.<tld>
            if host.startswith(domain) or ("." + domain) in host:
                return True
        elif host == domain or host.endswith("." + domain):
            return True
    return False


# ---------------------------------------------------------------- patterns

_TLDS = ("com|net|org|info|biz|io|co|me|ly|gl|gd|cc|to|ai|app|shop|store|online|site|xyz|link|page|bio|ee|at|"
         "id|vn|th|my|ph|sg|tw|br|mx|ar|cl|pe|es|de|fr|it|uk|ca|au|jp|cn|hk|ru|in|kr|pt|us|eu|tv|fm|gg|la|vip|top|"
         "club|live|life|fun|asia|ws|su|sh|im|so|tk|ml|ga|cf|cx|nu|be|ch|nl|se|no|pl|tr")
_URL = re.compile(
    r"(?:https?://[^\s<>\"'，。！？、）】」]+"
    r"|www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[^\s<>\"'，。！？、）】」]*)?"
    r"|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:%s)(?![a-z0-9-])(?:/[^\s<>\"'，。！？、）】」]*)?)" % _TLDS,
    re.I)
_FILE_EXT = re.compile(r"\.(?:jpe?g|png|gif|webp|mp4|mov|pdf|html?|php|js|css|txt|zip)$", re.I)

_AT = r"(?:\s*@\s*|\s*[(\[{<]\s*(?:at|@|arroba|艾特)\s*[)\]}>]\s*|\s+(?:at|arroba|a\s*t)\s+|\s*艾特\s*|\s*แอท\s*)"
_DOT = r"(?:\s*\.\s*|\s*[(\[{<]\s*(?:dot|\.|punto|ponto|titik|chấm|点)\s*[)\]}>]\s*|\s+(?:dot|punto|ponto|titik|chấm)\s+|\s*点\s*|\s*ดอท\s*)"
_EMAIL = re.compile(r"(?<![\w.+-])(?P<local>[a-z0-9][a-z0-9._+-]{0,63}(?:%s[a-z0-9][a-z0-9._+-]{0,63}){0,2})(?P<at>%s)"
                    r"(?P<domain>[a-z0-9-]{1,63}(?:%s[a-z0-9-]{1,63}){0,3})(?P<dot>%s)(?P<tld>%s)(?![a-z0-9])"
                    % (_DOT, _AT, _DOT, _DOT, _TLDS), re.I)
_MAIL_PROVIDERS = {"gmail", "googlemail", "yahoo", "hotmail", "outlook", "live", "icloud", "me", "qq", "163", "126",
                   "sina", "sohu", "foxmail", "proton", "protonmail", "aol", "msn", "yandex", "mail", "gmx", "naver",
                   "ymail", "rocketmail", "bol", "uol", "terra", "yahoo.co", "hotmail.co", "outlook.co"}
def domain_mention(m: re.Match) -> bool:
    """An e-mail match whose "@" is glued to what follows but spaced from what precedes: a mention of an
    @handle after an ordinary word, unless the part after it is a mail provider."""
    return m.group("domain").split(".")[0].lower() not in _MAIL_PROVIDERS


_EMAIL_WORD = re.compile(r"e-?mail|correo|邮箱|郵箱|อีเมล|surel|thư|contato|contacto|contact", re.I)

# the words that introduce a handle or number, by type (longest first within an alternation)
_KEYWORDS = {
    "wechat": r"微信号|微信|微\s信|威信|薇信|徽信|维信|V信|v信|VX|Vx|vX|vx|WX|Wx|wx|weixin|wechat|we\s?chat|加\s?[Vv微]|[+➕]\s?[Vv](?![a-z])|绿泡泡|卫星|🛰|微(?=\s*[:：])|[Vv](?=\s*[:：])",
    "whatsapp": r"whats\s?app|whatsap|whats|wasap|watsap|wassap|wsp|wpp|zap\s?zap|zap|watsapp|WA|Wa|wa|واتساب",
    "telegram": r"telegram|telegrama|tele|TG|Tg|tg|电报|纸飞机|飞机|TELE",
    "line": r"line\s?id|id\s?line|line@|ไอดีไลน์|ไลน์ไอดี|ไลน์|line|LINE|Line",
    "qq": r"QQ群|QQ号|QQ|q群|扣扣|企鹅",
    # a phone keyword in a chain ("Telefone/WhatsApp:", "Zalo/Tele:") gives a phone number too
    "phone": r"telefone|tel[eé]fono|telp|tel|phone|call|hp|celular|cel|fone|sđt|sdt|zalo|viber|电话|手机|โทร|เบอร์|📞|☎",
}
_KEYWORD_TYPE = [(t, re.compile(p, re.I)) for t, p in _KEYWORDS.items()]
_ANY_KEYWORD = "|".join("(?:%s)" % p for p in _KEYWORDS.values())
_HANDLE_SEP = (r"(?:\s*(?:(?:business|bisnis|oficial|official|me|us|kami|ku|now|ngay|ya|aja|agora|ahora|เลย)(?=\s*[:：]|\s*\+?\d))?\s*(?:号|號|id|ID|Id|同号|ไอดี)?\s*"
               r"(?:[:：=~\-–→>➡.]|是|为|為|là|:)?\s*(?:👉|📲|📱|📞|☎)?\s*)")
_HANDLE_VALUE = r"(?P<value>\+?\(?\d[\d\s().\-]{3,20}\d|@?[A-Za-z0-9][A-Za-z0-9._\-]{1,31})"
_HANDLE = re.compile(r"(?<![A-Za-z0-9_])(?P<kws>(?:%s)(?:\s*[/|,&、或]\s*(?:%s)|\s+(?:or|o|ou|atau|hoặc|หรือ)\s+(?:%s))*)(?![A-Za-z])%s%s(?![A-Za-z0-9_@])"
                     % (_ANY_KEYWORD, _ANY_KEYWORD, _ANY_KEYWORD, _HANDLE_SEP, _HANDLE_VALUE), re.I)

_WECHAT_ID = re.compile(r"[a-z][-_a-z0-9]{5,19}")
_TELEGRAM_ID = re.compile(r"[a-z][a-z0-9_]{4,31}")
_LINE_ID = re.compile(r"@?[a-z0-9][a-z0-9._-]{2,19}")
_QQ = re.compile(r"[1-9]\d{4,10}")

# phone numbers
_PHONE_KEYWORD = re.compile(
    r"(?:tel[eé]?f?o?n?[eo]?|telp|tlp|phone|call|hp|no\.?\s*hp|nomor|nomer|cel(?:ular)?|m[oó]vil|ligue|liga|llama|"
    r"fone|contato|contacto|hotline|sđt|sdt|số điện thoại|điện thoại|gọi|zalo|viber|mobile|mob|"
    r"电话|電話|手机|手機|联系|聯繫|致电|热线|咨询|โทร|เบอร์|ติดต่อ|call/wa|wa/call|sms|text|📞|☎|📱)\s*"
    r"(?:now|ngay|ya|aja|agora|ahora|เลย|al|para|ke|di|us|me|or text|or call|o|ou)?\s*[:：.\-]?\s*(?:👉|📲|➡)?\s*$", re.I)
_PHONE_CANDIDATE = re.compile(r"(?<![A-Za-z0-9+@/#._-])(\+|00)?\(?\d{1,15}\)?(?:(?:[ \u00a0]{1,2}|[.\-]|\s-\s)\(?\d{1,15}\)?){0,6}(?![A-Za-z0-9])")
_NOT_PHONE_BEFORE = re.compile(
    r"(?:[$¥￥€£₫฿₱₹]|rp\.?|r\$|rm|us\$|hk\$|nt\$|s\$|vnd|idr|usd|cny|rmb|mxn|brl|thb|php|myr|eur|"
    r"price|harga|gi[aá]|precio|pre[cç]o|ราคา|价格|售价|原价|到手|"
    r"order|orden|pedido|pesanan|đơn hàng|mã đơn|訂單|订单|单号|單號|运单|快递|物流|sku|item|product|produk|sản phẩm|"
    r"商品|货号|型号|model|modelo|ref|resi|tracking|invoice|no\.?\s*pesanan|id|#|编号|คำสั่งซื้อ|เลขพัสดุ|รหัส|"
    r"isbn|ean|upc|serial|lote|lot|batch|code|código|codigo|mã|kode|folio|cnpj|cpf|nif|rfc|npwp|nik|terminación|cuenta|account|rekening|iban)\s*[:：#.\-]?\s*(?:no\.?|number|nº|n°|号|#)?\s*[:：]?\s*$",
    re.I)
_NOT_PHONE_AFTER = re.compile(
    r"^\s*(?:元|块|塊|円|đ|₫|vn[dđ]|k\b|rb\b|ribu|juta|jt\b|บาท|฿|\$|usd|idr|mxn|brl|reais|pesos|%|x\b|pcs|件|个|個|"
    r"粉丝|粉絲|followers?|seguidores|pengikut|người|ผู้ติดตาม|views?|likes?|lượt|sold|terjual|vendidos?|已售|次|人|"
    r"ml\b|mah\b|mm\b|cm\b|kg\b|g\b|gb\b|tb\b|w\b|v\b|年|月|日|号\b|件)",
    re.I)
_DATE = re.compile(r"(?<!\d)(?:\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?|\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d{2}|"
                   r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2}(?![\d.\-/])|(?:19|20)\d{2}\s*[-–~至到]\s*(?:19|20)\d{2}|\d{1,2}:\d{2}(?::\d{2})?)(?!\d)")
_FALLBACK_REGIONS = ["US"]  # a number a phone keyword introduces, in text that hints at no region
_MOBILE_TYPES = (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def _parse_phone(raw: str, regions: list[str], allow_international_digits: bool = False):
    """A valid PhoneNumber for ``raw`` under the first region that takes it, or None."""
    raw = raw.strip()
    digits = _digits(raw)
    if not 7 <= len(digits) <= 15:
        return None
    candidates: list[tuple[str, str | None]] = []
    if raw.startswith("+"):
        candidates.append(("+" + digits, None))
    elif raw.startswith("00") and len(digits) > 10:
        candidates.append(("+" + digits[2:], None))
    else:
        candidates += [(raw, region) for region in regions]
        if allow_international_digits and not digits.startswith("0"):
            candidates.append(("+" + digits, None))
    for text, region in candidates:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return number
        national = str(number.national_number)
        if number.country_code == 52 and len(national) == 11 and national.startswith("1"):
            # Mexico's old mobile prefix "1" (+52 1 55 …), still in WhatsApp links: the number without it
            retry = phonenumbers.parse("+52" + national[1:], None)
            if phonenumbers.is_valid_number(retry):
                return retry
    return None


def _e164(number) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


# ---------------------------------------------------------------- the finders

def _classify_url(raw: str, platform: str | None, own_hosts: Iterable[str]) -> tuple[str, str] | None:
    url = raw.rstrip(".,;:!?)]}>'\"…")
    if not re.match(r"^https?://", url, re.I):
        url = "https://" + url
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host or "." not in host:
        return None
    bare = host[4:] if host.startswith("www.") else host
    path = parts.path or ""
    if bare in ("wa.me", "api.whatsapp.com", "web.whatsapp.com", "whatsapp.com", "wa.link", "chat.whatsapp.com"):
        phone = None
        if bare == "wa.me" and re.fullmatch(r"/\+?\d{7,15}/?", path):
            phone = _digits(path)
        elif bare in ("api.whatsapp.com", "web.whatsapp.com", "whatsapp.com"):
            phone = _digits((parse_qs(parts.query).get("phone") or [""])[0]) or None
        if phone:
            number = _parse_phone("+" + phone, [])
            return ("whatsapp", _e164(number) if number else "+" + phone)
        if path.strip("/") or bare == "wa.link":
            return ("whatsapp", "https://%s%s" % (bare, path.rstrip("/")))
        return None
    if bare in ("t.me", "telegram.me", "telegram.dog"):
        name = path.strip("/").split("/")[0] if path.strip("/") else ""
        if _TELEGRAM_ID.fullmatch(name.lower()) and name.lower() not in ("joinchat", "share", "addstickers", "proxy"):
            return ("telegram", name.lower())
        if name:
            return ("telegram", "https://t.me%s" % path.rstrip("/"))
        return None
    if bare in ("line.me", "lin.ee", "page.line.me"):
        m = re.search(r"/ti/p/(~|@|%40)?([A-Za-z0-9._-]+)", path)
        if m:
            prefix = "@" if m.group(1) in ("@", "%40") else ""
            return ("line", prefix + m.group(2).lower())
        m = re.search(r"/R/oaMessage/(@|%40)?([A-Za-z0-9._-]+)", path)
        if m:
            return ("line", "@" + m.group(2).lower())
        if path.strip("/"):
            return ("line", "https://%s%s" % (bare, path.rstrip("/")))
        return None
    if bare in ("u.wechat.com", "weixin.qq.com") and path.strip("/"):
        return ("wechat", "https://%s%s" % (bare, path.rstrip("/")))
    if bare in ("qm.qq.com", "jq.qq.com"):
        uin = (parse_qs(parts.query).get("uin") or [""])[0]
        return ("qq", uin) if _QQ.fullmatch(uin) else ("qq", "https://%s%s" % (bare, path.rstrip("/")))
    if _is_own(host, platform, own_hosts):
        return None
    if not path.strip("/") and _FILE_EXT.search(bare):
        return None
    if _FILE_EXT.search(path) and re.search(r"\.(?:jpe?g|png|gif|webp|mp4|mov)$", path, re.I):
        return None
    return ("url", url)


def find_contacts(text: str, regions: Iterable[str] = (), platform: str | None = None,
                  own_hosts: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(type, value) pairs found in ``text``, in order, each once."""
    if not text or not text.strip():
        return []
    t = normalize(text)
    regions = list(dict.fromkeys(list(regions) + text_regions(t)))
    found: list[tuple[str, str]] = []

    def add(kind: str, value: str) -> None:
        if (kind, value) not in found:
            found.append((kind, value))

    # 1. e-mail (before URLs: "gmail.com" is a domain too)
    for m in list(_EMAIL.finditer(t)):
        at = m.group("at")
        if re.fullmatch(r"\s+@", at) and domain_mention(m):
            continue  # "Sigue a @frases.de.noche": a word, then an @mention, not an address
        spelled_at = "@" not in at
        domain = re.sub(_DOT, ".", m.group("domain"), flags=re.I).lower()
        if spelled_at and re.fullmatch(r"\s+(?:at|arroba|a\s*t)\s+", at, re.I):
            # "name at gmail dot com": only for mail providers, or next to an e-mail word
            window = t[max(0, m.start() - 30):m.start()]
            if domain.split(".")[0] not in _MAIL_PROVIDERS and not _EMAIL_WORD.search(window):
                continue
        local = re.sub(_DOT, ".", m.group("local"), flags=re.I).lower()
        value = "%s@%s.%s" % (local, domain, m.group("tld").lower())
        add("email", value)
        t = _blank(t, m.start(), m.end())

    # 2. URLs
    for m in list(_URL.finditer(t)):
        raw = m.group(0)
        if "@" in t[max(0, m.start() - 1):m.start()]:
            continue
        classified = _classify_url(raw, platform, own_hosts)
        if classified:
            add(*classified)
        t = _blank(t, m.start(), m.end())

    # 3. keyword-introduced handles and numbers
    t = _DATE.sub(lambda m: " " * len(m.group(0)), t)
    for m in list(_HANDLE.finditer(t)):
        kinds = []
        for piece in re.split(r"\s*[/|,&、或]\s*|\s+(?:or|o|ou|atau|hoặc|หรือ)\s+", m.group("kws")):
            for kind, pattern in _KEYWORD_TYPE:
                if pattern.fullmatch(piece.strip()):
                    kinds.append((kind, piece.strip()))
                    break
        raw = m.group("value").strip()
        between = m.group(0)[len(m.group("kws")):m.start("value") - m.start()]
        if not re.search(r"[:：=~→>➡]|是|为|為|là|👉|📲|📱|📞|☎", between) and re.fullmatch(r"[A-Za-z.\-]+", raw):
            continue  # "Telegram channel …": a plain word after a bare keyword is not a handle
        taken = False
        for kind, keyword in kinds:
            value = _handle_value(kind, keyword, raw, regions, m.group(0))
            if value:
                add(kind, value)
                taken = True
                if kind == "wechat" and "同号" in m.group(0):  # "微信同号 138…": the phone is the WeChat id
                    number = _parse_phone(raw, regions)
                    if number:
                        add("phone", _e164(number))
        if taken:
            t = _blank(t, m.start(), m.end())

    # 4. phone numbers in what is left
    for m in _PHONE_CANDIDATE.finditer(t):
        raw = m.group(0).strip()
        digits = _digits(raw)
        if not 8 <= len(digits) <= 15:
            continue
        before, after = t[max(0, m.start() - 24):m.start()], t[m.end():m.end() + 12]
        if _NOT_PHONE_BEFORE.search(before) or _NOT_PHONE_AFTER.search(after):
            continue
        groups = re.findall(r"\d+", raw)
        international = raw.startswith("+") or (raw.startswith("00") and len(digits) > 10)
        if not international and len(groups) >= 3 and all(len(g) <= 2 for g in groups):
            continue  # "38 39 40 41 42": sizes, not a number
        if not international and len(groups) > 1 and not groups[0].startswith("0") and \
                all(len(g) == 3 for g in groups[1:]) and re.search(r"\d[.,]\d{3}", raw):
            continue  # "12.500.000": thousands
        keyword = bool(_PHONE_KEYWORD.search(before))
        number = _parse_phone(raw, regions)
        if number is None and keyword and not regions:
            number = _parse_phone(raw, _FALLBACK_REGIONS)
        if number is None:
            continue
        if not (international or keyword):
            if phonenumbers.number_type(number) not in _MOBILE_TYPES:
                continue
            national = phonenumbers.national_significant_number(number)
            shaped = (digits.startswith("0") or "(" in raw
                      or (number.country_code == 86 and re.fullmatch(r"1[3-9]\d{9}", digits))
                      or (len(groups) > 1 and digits.endswith(national)))
            if not shaped:
                continue
        add("phone", _e164(number))
    return found


def _handle_value(kind: str, keyword: str, raw: str, regions: list[str], context: str) -> str | None:
    numeric = bool(re.fullmatch(r"\+?\(?\d[\d\s().\-]*\d", raw))
    if kind == "whatsapp":
        if not numeric:
            return None
        number = _parse_phone(raw, regions, allow_international_digits=True)
        return _e164(number) if number else None
    if kind == "phone":
        number = _parse_phone(raw, regions) if numeric else None
        return _e164(number) if number else None
    if kind == "qq":
        digits = _digits(raw)
        return digits if numeric and _QQ.fullmatch(digits) else None
    if kind == "wechat":
        if numeric:
            digits = _digits(raw)
            if raw.startswith("+"):
                number = _parse_phone(raw, regions)
                return _e164(number) if number else None
            return digits if 5 <= len(digits) <= 15 and not re.search(r"\s", raw.strip()) or \
                re.fullmatch(r"1[3-9]\d{9}", digits) else None
        value = raw.lstrip("@").lower().rstrip(".-")
        if keyword in ("v", "V", "微") and not re.search(r"\d|_", value):
            return None  # "V: normal" is too weak without digits or "_"
        return value if _WECHAT_ID.fullmatch(value) else None
    if kind == "telegram":
        if numeric:
            number = _parse_phone(raw, regions) if raw.startswith("+") else None
            return _e164(number) if number else None
        value = raw.lstrip("@").lower().rstrip(".")
        if keyword.lower() in ("tg", "tele") and not raw.startswith("@") and not re.search(r"\d|_", value):
            return None
        return value if _TELEGRAM_ID.fullmatch(value) else None
    if kind == "line":
        if numeric:
            return None
        value = raw.lower().rstrip(".")
        if not _LINE_ID.fullmatch(value):
            return None
        strong = bool(re.search(r"id|@|ไลน์", keyword, re.I)) or re.match(r"(?i)line\s*(?:id)?\s*[:：]", context) and \
            (value.startswith("@") or re.search(r"[\d_.]", value))
        if keyword == "LINE" and re.match(r"LINE\s*[:：]", context):
            strong = True
        return value if strong else None
    return None


# ---------------------------------------------------------------- records

_REF_FIELDS = ("author", "seller", "host")
_TEXT_FIELDS = ("title", "text", "description", "bio", "name")


def text_fields(record) -> list[tuple[str, str]]:
    """(field, text) of every free-text field of a record; ``source`` names the field."""
    out = []
    for name in _TEXT_FIELDS:
        value = getattr(record, name, None)
        if isinstance(value, str) and value.strip():
            out.append((name, value))
    for name in _REF_FIELDS:
        ref = getattr(record, name, None)
        value = getattr(ref, "name", None) if ref is not None else None
        if isinstance(value, str) and value.strip():
            out.append(("%s.name" % name, value))
    for index, link in enumerate(getattr(record, "links", None) or []):
        if isinstance(link, str) and link.strip():
            out.append(("links[%d]" % index, link))
    return out


def record_contacts(record) -> list[Contact]:
    regions = record_regions(record)
    own = [urlsplit(getattr(record, "url", "") or "").hostname or ""]
    platform = getattr(record, "platform", None)
    seen: set[tuple[str, str]] = set()
    contacts = []
    for source, text in text_fields(record):
        for kind, value in find_contacts(text, regions, platform, own):
            if (kind, value) not in seen:
                seen.add((kind, value))
                contacts.append(Contact(type=kind, value=value, source=source))
    return contacts


def hints_for(platform: str | None = None, url: str | None = None) -> list[str]:
    """Region hints from a platform and a page URL alone (for text that is not in a record)."""
    regions = []
    region = region_of_host(urlsplit(url or "").hostname)
    if region:
        regions.append(region)
    if _PLATFORM_REGION.get(platform or ""):
        regions.append(_PLATFORM_REGION[platform or ""])
    return regions
