"""Shared extraction helpers, written once for every platform parser.

- ``paths``: declarative lookups in nested JSON with type coercion (``pick``).
- ``embedded``: state embedded in pages (script JSON, ``window.X = {...}``, JSON-LD, meta tags).
- ``counts``: compact counts ("1.2M", "1.5万", "10w+", "1 663 sold").
- ``money``: prices per locale and per platform scaling, as schema ``Money``.
- ``times``: epoch seconds/milliseconds and dated strings to UTC ``...Z``.
- ``text``: hashtags, absolute URLs.
"""
