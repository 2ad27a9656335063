"""Flat exports of records (crawler.analyst.flatten): CSV, XLSX (one sheet per kind), Parquet (typed
columns), JSON Lines; and the Scrapy feed exporter that makes ``-o x.csv`` use the same flattening.

Streaming: rows are written as they come (openpyxl's write-only workbook, Parquet row groups of
``BATCH`` rows), so an export holds at most one batch in memory.
"""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any, Iterable

from scrapy.exporters import CsvItemExporter

from crawler.analyst.flatten import COLUMNS, all_columns, cell_text, column_types, flatten
from crawler.schema import KINDS

FORMATS = ("jsonl", "csv", "xlsx", "parquet")
BATCH = 2000


def write_jsonl(records: Iterable[dict], out: IO[bytes]) -> int:
    n = 0
    for record in records:
        out.write((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
        n += 1
    return n


def write_csv(records: Iterable[dict], out: IO[bytes], kinds: Iterable[str] = tuple(KINDS)) -> int:
    """One CSV, the union of the kinds' columns (a column a kind lacks stays empty)."""
    header = all_columns(kinds)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(header)
    n = 0
    for record in records:
        row = flatten(record)
        writer.writerow([cell_text(row.get(c)) for c in header])
        n += 1
    text.flush()
    text.detach()
    return n


def write_xlsx(records: Iterable[dict], path: str | Path) -> dict[str, int]:
    """One sheet per kind (in order of first appearance); every cell of text is typed as text, so ids keep
    their digits and a value starting with ``=`` is never a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheets: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for record in records:
        row = flatten(record)
        kind = record["kind"]
        sheet = sheets.get(kind)
        if sheet is None:
            sheet = sheets[kind] = book.create_sheet(title=kind)
            sheet.append(list(row))
        cells = []
        for value in row.values():
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
        counts[kind] = counts.get(kind, 0) + 1
    if not sheets:
        book.create_sheet(title="records").append(["no records"])
    book.save(str(path))
    return counts


_ARROW_TYPES = {"str": "string", "list": "string", "json": "string", "int": "int64", "float": "float64",
                "bool": "bool_", "decimal": "decimal"}


def arrow_schema(kinds: Iterable[str] = tuple(KINDS)):
    """The union of the kinds' columns, typed: a column two kinds type differently is text."""
    import pyarrow as pa

    types: dict[str, str] = {}
    for kind in kinds:
        for column, ctype in column_types(kind).items():
            t = _ARROW_TYPES[ctype]
            types[column] = t if types.get(column, t) == t else "string"
    fields = []
    for column in all_columns(kinds):
        t = types[column]
        fields.append(pa.field(column, pa.decimal128(38, 10) if t == "decimal" else getattr(pa, t)()))
    return pa.schema(fields)


def _arrow_value(value: Any, t) -> Any:
    import pyarrow as pa

    if value is None:
        return None
    if pa.types.is_decimal(t):
        try:
            return Decimal(value)
        except (InvalidOperation, TypeError):
            return None
    if pa.types.is_string(t):
        return cell_text(value)
    if pa.types.is_integer(t):
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if pa.types.is_floating(t):
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if pa.types.is_boolean(t):
        return value if isinstance(value, bool) else None
    return value


def write_parquet(records: Iterable[dict], path: str | Path, kinds: Iterable[str] = tuple(KINDS)) -> int:
    """One Parquet file, typed columns (ids and text as strings, counts int64, ratios float64, amounts
    decimal(38,10), flags bool), written in row groups of BATCH rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = arrow_schema(kinds)
    names = schema.names
    n = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        batch: dict[str, list] = {c: [] for c in names}

        def flush() -> None:
            if batch[names[0]]:
                writer.write_table(pa.table({c: pa.array(batch[c], type=schema.field(c).type) for c in names},
                                            schema=schema))
                for c in names:
                    batch[c].clear()

        for record in records:
            row = flatten(record)
            for c in names:
                batch[c].append(_arrow_value(row.get(c), schema.field(c).type))
            n += 1
            if n % BATCH == 0:
                flush()
        flush()
    return n


class FlatCsvItemExporter(CsvItemExporter):
    """``-o x.csv`` (FEED_EXPORTERS): records flattened as by ``scrapy records --format csv``; the header is
    the union of every kind's columns unless FEED_EXPORT_FIELDS says otherwise, so a mixed crawl keeps the
    account columns and no nested value is ever a Python repr."""

    def __init__(self, file, **kwargs):
        super().__init__(file, **kwargs)
        if not self.fields_to_export:
            self.fields_to_export = all_columns()

    def serialize_field(self, field, name, value):
        return cell_text(value)

    def export_item(self, item) -> None:
        record = dict(item)
        super().export_item(flatten(record) if record.get("kind") in COLUMNS else record)
