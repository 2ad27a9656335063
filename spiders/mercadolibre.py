"""Mercado Libre / Mercado Livre (every country site): items, searches and a seller's items.

Mercado Libre renders everything the parsers read (crawler/parsers/mercadolibre.py) into the
server HTML: the search cards and the item page are in ``<script id="__PRELOADED_STATE__">``
plus JSON-LD. So the page type decides the path:

- search (``-a query=TERM``: ``listado.mercadolibre.<site>/<term-with-hyphens>``; Brazil:
  ``lista.mercadolivre.com.br/...``) and a seller's items (``-a account=<seller id>``:
  ``listado.mercadolibre.<site>/_CustId_<seller id>``, the search filtered to that seller):
  **plain requests**. The cards are in the HTML as served; a browser would add seconds per page
  and nothing to read, and no evidence is kept for list pages. Each result is followed once to
  its item page, which alone has the seller (id and name), the sold count ("+5 mil vendidos"),
  the condition, the description and the item's own rating.
- item (``-a url=https://articulo.mercadolibre.com.mx/MLM-<digits>-...``, catalog pages
  ``www.mercadolibre.com.mx/.../p/MLM<digits>``, and the followed results): **the browser**, only
  because a detail page's evidence includes a full-page screenshot, which needs a rendered page.
  The record itself comes from the same server HTML.

Site: ``-a site=com.mx`` (the default), ``com.ar``, ``com.br`` (Mercado Livre), ``cl``, ``com.co``,
``com.uy``, ``com.pe``, ``com.ve``, ``com.ec`` ... (a country code such as ``ar`` or a site id such
as ``MLA`` works too), or the ``MERCADOLIBRE_SITE`` setting; it decides where a bare query or seller
id goes. URL targets work on every site as they are.

The seller's account is given by its numeric id (the ``seller.id`` of an item record), or as a
listado URL (``-a account=https://listado.mercadolibre.com.ar/_CustId_123``). The seller's store
page (``/pagina/<nick>``, ``/tienda/<nick>``) is not read: no parser understands it, so a nickname
is rejected with one line.
"""
import re
from urllib.parse import quote

from crawler.parsers.mercadolibre import DOMAIN_SITE
from crawler.spider import PlatformSpider
from crawler.targets import Option, OptionUnknown

DEFAULT_SITE = "com.mx"


def _host(site: str, sub: str) -> str:
    """``listado.mercadolibre.com.mx``; Brazil: ``lista.mercadolivre.com.br``."""
    if site == "com.br":
        return "%s.mercadolivre.com.br" % {"listado": "lista", "articulo": "produto"}.get(sub, sub)
    return "%s.mercadolibre.%s" % (sub, site)


# every site the parser knows: com.mx, com.ar, com.br (mercadolivre) ...
SITES = sorted(DOMAIN_SITE)
# aliases: "com.ar", "ar", "MLA", "mercadolibre.com.ar"
ALIASES = {**{s: s for s in SITES}, **{s.split(".")[-1]: s for s in SITES}, **{v.lower(): k for k, v in DOMAIN_SITE.items()}}
# list pages (search, a seller's items): the server HTML is enough
LIST_PAGE = re.compile(r"^https?://(?:listado\.mercadolibre|lista\.mercadolivre)\.")


def site_of(value: str) -> str | None:
    """``com.ar`` from "com.ar", "ar", "MLA" or "mercadolibre.com.ar"; None for no site."""
    site = value.strip().lower()
    for prefix in ("https://", "http://", "www.", "mercadolibre.", "mercadolivre."):
        site = site[len(prefix):] if site.startswith(prefix) else site
    return ALIASES.get(site.strip("/."))


def site_option(value: str) -> str:
    site = site_of(value)
    if site is None:
        raise OptionUnknown("one of: %s" % ", ".join(SITES))
    return site


class MercadoLibreSpider(PlatformSpider):
    name = platform = "mercadolibre"
    allowed_domains = ["mercadolibre.%s" % s for s in SITES if s != "com.br"] + ["mercadolivre.com.br"]
    cdn_domains = ["mlstatic.com"]
    follow_kinds = ("listing",)
    plain_pages = LIST_PAGE.pattern  # search and seller list pages: cards in the server HTML, no screenshot kept

    options = {"site": Option("the country site of query and account targets", setting="MERCADOLIBRE_SITE",
                              default=DEFAULT_SITE, parse=site_option)}

    @classmethod
    def check_target(cls, kind, value):
        if kind == "account" and not re.match(r"^https?://", value) and not value.strip().isdigit():
            return ("-a account takes the seller's numeric id (an item's seller.id) or a listado _CustId_ URL; "
                    "store pages by nickname (%s) are not supported" % value)
        return None

    @property
    def site(self) -> str:
        return self.option("site")

    def search_url(self, query):
        term = re.sub(r"\s+", "-", query.strip().lower())
        return "https://%s/%s" % (_host(self.site, "listado"), quote(term))

    def account_url(self, handle):
        return "https://%s/_CustId_%s" % (_host(self.site, "listado"), quote(handle))
