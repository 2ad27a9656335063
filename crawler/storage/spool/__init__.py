"""The spool: every record and evidence file is written here, fsynced, before its upload (crawler.storage).

Split by concern: ``layout`` (a crawl's own locked folder), ``parts`` (open parts, sealing, free space),
``uploader`` (the thread and its typed tasks), ``commit`` (manifest and commit), ``recovery`` (dead crawls),
``writer`` (the crawl's writer tying them together)."""
from crawler.storage.spool.commit import build_manifest
from crawler.storage.spool.layout import CrawlDir, store_slug
from crawler.storage.spool.parts import read_journal, seal_part
from crawler.storage.spool.writer import Outcome, Writer

__all__ = ["CrawlDir", "Outcome", "Writer", "build_manifest", "read_journal", "seal_part", "store_slug"]
