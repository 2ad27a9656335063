"""``scrapy schema``: print the JSON Schema of the four record kinds."""
from __future__ import annotations

import argparse
import sys

from scrapy.commands import ScrapyCommand

from crawler.schema import json_schema_text


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def short_desc(self) -> str:
        return "Print the JSON Schema of the record kinds (post, listing, live, account)"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        sys.stdout.write(json_schema_text())
