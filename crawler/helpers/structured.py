"""schema.org data in ANY syntax a page uses, as JSON-LD-like dicts.

Stores describe their products in one (or several) of four syntaxes:

- JSON-LD ``<script type="application/ld+json">`` (``embedded.jsonld``);
- microdata ``itemscope``/``itemtype``/``itemprop`` (older eBay, many shop themes);
- RDFa ``vocab``/``typeof``/``property`` (Drupal, Magento, some WooCommerce themes);
- Open Graph product tags (``og:type`` product, ``product:price:amount``,
  ``og:price:amount``...), which Facebook/Pinterest catalogues read.

This module reads them all (through extruct, already a dependency) and
normalises each node into the shape JSON-LD has, so that
``crawler.helpers.schema_org.listing_fields`` maps any of them::

    {"@type": "Product", "@syntax": "microdata", "name": "...", "image": [...],
     "offers": {"@type": "Offer", "price": "349.99", "priceCurrency": "USD", ...},
     "aggregateRating": {"@type": "AggregateRating", "ratingValue": "4.5", ...}}

Property names lose their vocabulary prefix (``https://schema.org/price`` ->
``price``), ``@type`` is the local name (a list when several), RDFa ``@value``
wrappers are unwrapped and node references are resolved (blank nodes inlined).
A property written once is a scalar, written several times a list (as in
JSON-LD). Text is as the syntax gives it: microdata text of an element is its
whole text content, hidden parts included (eBay's "Details about" prefix),
so a parser that knows better DOM should prefer it for that field.

Use:

- ``structured_items(sel, base_url)``: every top-level node of every syntax,
  each tagged ``"@syntax"``: "jsonld", "microdata", "rdfa" or "opengraph";
- ``structured_products(sel, base_url)``: the Product-like nodes, JSON-LD
  first (ProductGroups merged as ``schema_org.products`` does), then
  microdata, RDFa, and last the Open Graph product; callers usually take the
  first. Open Graph prices can be a shop's base price in another currency than
  the buyer pays (Etsy), so it is the last resort by design;
- ``extractor_of(node)``: the record's ``extractor`` for a node ("jsonld",
  "microdata" for microdata and RDFa, "meta" for Open Graph).

``sel`` is a parsel ``Selector`` (``page.sel``) or an lxml root. Nothing here
raises on bad markup: a syntax that cannot be read gives no node.
"""
from __future__ import annotations

from typing import Any

import lxml.html
from extruct.w3cmicrodata import MicrodataExtractor
from parsel import Selector

from crawler.helpers import embedded

SYNTAXES = ("jsonld", "microdata", "rdfa", "opengraph")
_EXTRACTORS = {"jsonld": "jsonld", "microdata": "microdata", "rdfa": "microdata", "opengraph": "meta"}
_MAX_DEPTH = 12
_OG_PRODUCT_TYPES = {"product", "product.item", "product.group", "og:product", "og:product.item"}


def _selector(sel: Any) -> Selector | None:
    if isinstance(sel, Selector):
        return sel
    if isinstance(sel, lxml.html.HtmlElement) or hasattr(sel, "xpath"):
        try:
            return Selector(root=sel, type="html")
        except Exception:
            return None
    return None


def _local(name: Any) -> Any:
    """``https://schema.org/Product`` -> ``Product``; ``http://ogp.me/ns#title`` -> ``title``."""
    if not isinstance(name, str):
        return name
    return name.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _scalar_or_list(values: list) -> Any:
    return values[0] if len(values) == 1 else values


# ---- microdata ------------------------------------------------------------------

def _from_microdata(item: Any, depth: int = 0) -> Any:
    if isinstance(item, list):
        return [_from_microdata(v, depth + 1) for v in item]
    if not isinstance(item, dict) or depth > _MAX_DEPTH:
        return item if not isinstance(item, dict) else None
    out: dict[str, Any] = {}
    kind = item.get("type")
    if kind:
        kinds = [_local(k) for k in (kind if isinstance(kind, list) else [kind])]
        out["@type"] = _scalar_or_list(kinds)
    if item.get("id"):
        out["@id"] = item["id"]
    props = item.get("properties")
    if isinstance(props, dict):
        for key, value in props.items():
            out[_local(key)] = _from_microdata(value, depth + 1)
    if "value" in item and "properties" not in item:
        out["@value"] = item["value"]
    return out


class _MicrodataExtractor(MicrodataExtractor):
    """extruct collapses runs of spaces in an element's text; sellers' titles keep them (text as written)."""

    def _extract_textContent(self, node):
        return "".join(self._xp_clean_text(node)).strip()


def microdata(sel: Any, base_url: str | None = None) -> list[dict]:
    """Top-level microdata items as JSON-LD-like dicts."""
    sel = _selector(sel)
    if sel is None or not sel.xpath("//*[@itemscope][1]"):
        return []
    if sel.xpath("(//*[@itemscope][count(ancestor::*[@itemscope]) > %d])[1]" % _MAX_DEPTH):
        return []  # pathological nesting (extruct is quadratic in it); no store nests items this deep
    try:
        items = _MicrodataExtractor().extract_items(sel.root, base_url=base_url or "")
        return [n for n in (_from_microdata(i) for i in items) if isinstance(n, dict) and n.get("@type")]
    except Exception:
        return []


# ---- RDFa -----------------------------------------------------------------------

def _rdfa_value(entry: Any, nodes: dict, depth: int, seen: frozenset) -> Any:
    if not isinstance(entry, dict):
        return entry
    if "@value" in entry:
        return entry["@value"]
    ref = entry.get("@id")
    if isinstance(ref, str) and ref in nodes and ref not in seen and depth < _MAX_DEPTH:
        return _rdfa_node(nodes[ref], nodes, depth + 1, seen | {ref})
    return ref


def _rdfa_node(node: dict, nodes: dict, depth: int = 0, seen: frozenset = frozenset()) -> dict:
    out: dict[str, Any] = {}
    kinds = [_local(k) for k in node.get("@type") or [] if isinstance(k, str)]
    if kinds:
        out["@type"] = _scalar_or_list(kinds)
    ref = node.get("@id")
    if isinstance(ref, str) and not ref.startswith("_:"):
        out["@id"] = ref
    for key, values in node.items():
        if key.startswith("@") or "rdfa#" in key:
            continue
        entries = [_rdfa_value(v, nodes, depth, seen) for v in (values if isinstance(values, list) else [values])]
        entries = [e for e in entries if e is not None]
        if entries:
            out[_local(key)] = _scalar_or_list(entries)
    return out


def rdfa(sel: Any, base_url: str | None = None) -> list[dict]:
    """Typed RDFa nodes not referenced by another node (Open Graph ``property`` tags excluded)."""
    sel = _selector(sel)
    if sel is None or not sel.xpath("//*[@typeof][1]"):
        return []
    if sel.xpath("(//*[@typeof][count(ancestor::*[@typeof]) > %d])[1]" % _MAX_DEPTH):
        return []
    try:
        from extruct.rdfa import RDFaExtractor
        from extruct.utils import parse_xmldom_html

        tree = parse_xmldom_html(lxml.html.tostring(sel.root, encoding="unicode"), encoding=None)
        graph = RDFaExtractor().extract_items(tree, base_url=base_url or "")
    except Exception:
        return []
    nodes = {n["@id"]: n for n in graph if isinstance(n, dict) and isinstance(n.get("@id"), str)}
    referenced = {v.get("@id") for n in nodes.values() for key, values in n.items() if not key.startswith("@")
                  for v in (values if isinstance(values, list) else []) if isinstance(v, dict)}
    return [_rdfa_node(n, nodes, 0, frozenset([ref])) for ref, n in nodes.items()
            if n.get("@type") and ref not in referenced]


# ---- Open Graph ------------------------------------------------------------------

def _og(meta: dict[str, str], *keys: str) -> str | None:
    for key in keys:
        value = meta.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def opengraph_product(sel: Any, meta: dict[str, str] | None = None) -> dict | None:
    """The Product the Open Graph tags describe, when they describe one (og:type product or a price tag)."""
    if meta is None:
        sel = _selector(sel)
        meta = embedded.meta_tags(sel) if sel is not None else {}
    price = _og(meta, "product:sale_price:amount", "product:price:amount", "og:price:amount")
    kind = (_og(meta, "og:type") or "").lower()
    if kind not in _OG_PRODUCT_TYPES and price is None:
        return None
    name = _og(meta, "og:title", "twitter:title")
    if not name:
        return None
    currency = _og(meta, "product:sale_price:currency", "product:price:currency", "og:price:currency")
    offer: dict[str, Any] = {"@type": "Offer"}
    if price is not None:
        offer["price"] = price
    if currency:
        offer["priceCurrency"] = currency
    for key, names in (("availability", ("product:availability", "og:availability")),
                       ("itemCondition", ("product:condition", "og:condition"))):
        value = _og(meta, *names)
        if value:
            offer[key] = value
    listed = _og(meta, "product:original_price:amount")
    if listed and listed != price:
        offer["priceSpecification"] = {
            "@type": "UnitPriceSpecification", "priceType": "https://schema.org/ListPrice", "price": listed,
            "priceCurrency": _og(meta, "product:original_price:currency") or currency}
    product: dict[str, Any] = {"@type": "Product", "@syntax": "opengraph", "name": name}
    for key, names in (("description", ("og:description", "description")), ("image", ("og:image", "og:image:url")),
                       ("url", ("og:url",)), ("brand", ("product:brand", "og:brand")),
                       ("sku", ("product:retailer_item_id",)), ("category", ("product:category",))):
        value = _og(meta, *names)
        if value:
            product[key] = value
    if len(offer) > 1:
        product["offers"] = offer
    return product


# ---- all syntaxes ---------------------------------------------------------------

def structured_items(sel: Any, base_url: str | None = None, syntaxes: tuple[str, ...] = SYNTAXES) -> list[dict]:
    """Every top-level schema.org node of the page, each tagged with its ``"@syntax"``."""
    sel = _selector(sel)
    if sel is None:
        return []
    out: list[dict] = []
    readers = {
        "jsonld": lambda: embedded.jsonld(sel),
        "microdata": lambda: microdata(sel, base_url),
        "rdfa": lambda: rdfa(sel, base_url),
        "opengraph": lambda: [p for p in [opengraph_product(sel)] if p],
    }
    for syntax in syntaxes:
        try:
            nodes = readers[syntax]()
        except Exception:
            nodes = []
        for node in nodes:
            if isinstance(node, dict):
                out.append({**node, "@syntax": syntax})
    return out


def structured_products(sel: Any, base_url: str | None = None, syntaxes: tuple[str, ...] = SYNTAXES,
                        items: list[dict] | None = None) -> list[dict]:
    """Product-like nodes of every syntax, best first: JSON-LD, microdata, RDFa, Open Graph.

    ``items`` (from ``structured_items``) saves reading the page again.
    """
    from crawler.helpers import schema_org

    items = structured_items(sel, base_url, syntaxes) if items is None else items
    out: list[dict] = []
    for syntax in syntaxes:
        group = [i for i in items if i.get("@syntax") == syntax]
        found = schema_org.products(group) if syntax in ("jsonld", "microdata", "rdfa") else [
            i for i in group if schema_org.is_product(i)]
        out.extend({**p, "@syntax": syntax} for p in found)
    return out


def extractor_of(node: Any) -> str:
    """The record ``extractor`` value for a node from ``structured_items``/``structured_products``."""
    syntax = node.get("@syntax") if isinstance(node, dict) else None
    return _EXTRACTORS.get(syntax, "jsonld")
