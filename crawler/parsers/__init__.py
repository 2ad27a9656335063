"""Platform parsers: one module per platform, one class per page type.

Importing this package registers every parser with ``crawler.registry``.
"""
import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module("%s.%s" % (__name__, _module.name))
