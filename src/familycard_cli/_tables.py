"""Reading a clerk's spreadsheet, row by row: CSV in the encodings offices have, or .xlsx.

- CSV separated by `,`, `;` or a tab (whichever the header line has most).  Encoding:
  UTF-8 with or without BOM (UTF-16 with a BOM too); otherwise the file is an old
  Windows export, Windows-1252 (Italian, Latin-1) or Latin-2 (Hungarian: `ő` and `ű`
  exist only there, at bytes 0xF5 and 0xFB where Windows-1252 has `õ` and `û`).  A
  given `encoding` is used as is.  The whole file is decoded once before any row is
  given, so a wrong encoding is reported before anything is sent.
- .xlsx: the first sheet, or `sheet`; read in openpyxl's read-only (streaming) mode.
- Header names match case-insensitively, surrounding spaces ignored; a column with no
  header name is ignored.  Blank rows are skipped but keep their number: row N is the
  Nth row below the header (in Excel, row N + 1 when the header is row 1).
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from familycard import InvalidInput

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_LINE_BYTES",
    "MAX_XLSX_PART_BYTES",
    "Table",
    "detect_encoding",
    "open_table",
    "read_rows",
]

_CHUNK = 1 << 20
#: The largest CSV cell, and the longest CSV line (in bytes), read; anything larger is
#: refused while reading, before it is held (`cell_too_large`, `line_too_long`).
MAX_CELL_CHARS = 128 * 1024
MAX_LINE_BYTES = 1 << 20
#: The largest part of an .xlsx (a sheet, the shared strings) unpacked, all parts
#: together, and the most a part may be compressed: a workbook beyond them is refused
#: before openpyxl reads it (`file_too_large`: a decompression bomb, or no clerk's list).
MAX_XLSX_PART_BYTES = 64 << 20
MAX_XLSX_TOTAL_BYTES = 256 << 20
MAX_XLSX_RATIO = 100
#: A well-formed UTF-8 sequence of two to four bytes.
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH_BYTES = bytes(range(0x80, 0x100))
#: Bytes that are Hungarian letters in Latin-2 (ő ű Ő Û) and rare letters in Windows-1252.
_LATIN2_MARKS = (b"\xf5", b"\xfb", b"\xd5", b"\xdb")
#: Bytes that are Italian letters in Windows-1252 (à è ì ò ù, upper and lower case) and
#: Czech or Slovak letters in Latin-2.
_CP1252_MARKS = (b"\xe0", b"\xe8", b"\xec", b"\xf2", b"\xf9", b"\xc0", b"\xc8", b"\xcc", b"\xd2")
#: Bytes that Windows-1252 and Windows-1250 leave undefined.
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_CP1250_UNDEFINED = (b"\x81", b"\x83", b"\x88", b"\x90", b"\x98")
#: What a user may call the encodings (`--encoding latin2`), besides Python's codec names.
_ALIASES = {"latin-2": "iso-8859-2"}
_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16 (little-endian)",
    "utf-16-be": "UTF-16 (big-endian)",
    "cp1252": "Windows-1252",
    "iso8859-1": "Latin-1",
    "iso8859-2": "Latin-2",
    "cp1250": "Windows-1250 (Latin-2)",
}
_XLSX_SUFFIXES = (".xlsx", ".xlsm")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # .xls and other Office 97 files


def _fail(message: str, code: str, **details: Any) -> InvalidInput:
    return InvalidInput(message, code=code, details=details)


# Encodings --------------------------------------------------------------------------


def _canonical_encoding(name: str) -> str:
    wanted = _ALIASES.get(name.strip().lower(), name.strip())
    try:
        return codecs.lookup(wanted).name
    except LookupError:
        raise _fail(
            f"unknown encoding {name!r} (try utf-8, cp1252, latin-1 or latin-2)",
            "unknown_encoding",
        ) from None


def detect_encoding(path: Path) -> str:
    """The encoding of a CSV file: UTF-8 when it decodes as such, else a Windows export's."""
    with path.open("rb") as f:
        start = f.read(4)
        if start.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            return "utf-16"
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        utf8 = True
        latin2 = cp1252 = 0
        undefined_1252 = undefined_1250 = False
        # Bytes in well-formed UTF-8 sequences, and the others above ASCII.
        in_sequences = high = lines = 0
        first_bad_line = 0
        while chunk := f.read(_CHUNK):
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    utf8 = False
                    first_bad_line = lines + chunk.count(b"\n", 0, max(exc.start, 0)) + 1
            in_sequences += sum(len(m) for m in _UTF8_SEQUENCE.findall(chunk))
            high += len(chunk) - len(chunk.translate(None, _HIGH_BYTES))
            lines += chunk.count(b"\n")
            latin2 += sum(chunk.count(b) for b in _LATIN2_MARKS)
            cp1252 += sum(chunk.count(b) for b in _CP1252_MARKS)
            undefined_1252 = undefined_1252 or any(b in chunk for b in _CP1252_UNDEFINED)
            undefined_1250 = undefined_1250 or any(b in chunk for b in _CP1250_UNDEFINED)
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
            first_bad_line = lines + 1
    if utf8:
        return "utf-8"
    if in_sequences > high - in_sequences:
        # Mostly UTF-8 with a few bytes that are not: reading it as a Windows export
        # would garble every accented name (Bèrtola as BÃ¨rtola); say where instead.
        raise _fail(
            f"{path.name} is mostly UTF-8 text, but line {first_bad_line} has bytes that are "
            "not: fix that line and save the file as UTF-8, or give the file's encoding "
            "with --encoding (e.g. --encoding cp1252)",
            "invalid_encoding",
            encoding="utf-8",
            line=first_bad_line,
        )
    if latin2 > cp1252:
        return "iso8859-2" if undefined_1250 else "cp1250"
    return "iso8859-1" if undefined_1252 else "cp1252"


def _bom_less_utf16(path: Path, encoding: str) -> str:
    """UTF-16 given without its byte-order mark in the file: the byte order its text
    shows (an ASCII letter has its zero byte second in little-endian), or
    `invalid_encoding` when it shows none."""
    if encoding != "utf-16":
        return encoding
    with path.open("rb") as f:
        start = f.read(4096)
    if start[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return encoding
    zeros_first, zeros_second = start[0::2].count(0), start[1::2].count(0)
    if zeros_second > 2 * zeros_first:
        return "utf-16-le"
    if zeros_first > 2 * zeros_second:
        return "utf-16-be"
    raise _fail(
        f"{path.name} has no UTF-16 byte-order mark and does not look like UTF-16 text: "
        "give its encoding (e.g. --encoding utf-8, utf-16-le or utf-16-be)",
        "invalid_encoding",
        encoding=encoding,
    )


def _too_long(path: Path, line: int) -> InvalidInput:
    return _fail(
        f"{path.name}: line {line} is longer than {MAX_LINE_BYTES // 1024} KiB; "
        "a clerk's list has short lines: is it the right file?",
        "line_too_long",
        line=line,
        limit=MAX_LINE_BYTES,
    )


def _check_decodes(path: Path, encoding: str) -> int:
    """Decode the whole file once (nothing kept); return its number of lines.

    A line longer than `MAX_LINE_BYTES` is refused here (`line_too_long`), before the
    CSV reader would hold it.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 0
    last = b""
    running = 0  # bytes of the current line so far
    with path.open("rb") as f:
        while True:
            chunk = f.read(_CHUNK)
            parts = chunk.split(b"\n")
            if running + len(parts[0]) > MAX_LINE_BYTES:
                raise _too_long(path, lines + 1)
            longest = max(range(1, len(parts)), key=lambda i: len(parts[i]), default=0)
            if longest and len(parts[longest]) > MAX_LINE_BYTES:
                raise _too_long(path, lines + longest + 1)
            running = running + len(parts[0]) if len(parts) == 1 else len(parts[-1])
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                line = lines + chunk.count(b"\n", 0, max(exc.start, 0)) + 1
                raise _fail(
                    f"{path.name} is not {_NAMES.get(encoding, encoding)} text (line {line}: "
                    f"{exc.reason}); give its encoding with --encoding",
                    "invalid_encoding",
                    encoding=encoding,
                    line=line,
                ) from None
            except UnicodeError as exc:  # a codec's own refusal (UTF-32 without its BOM)
                raise _fail(
                    f"{path.name} is not {_NAMES.get(encoding, encoding)} text ({exc}); "
                    "give its encoding with --encoding",
                    "invalid_encoding",
                    encoding=encoding,
                ) from None
            lines += chunk.count(b"\n")
            if not chunk:
                return lines + (1 if last not in (b"", b"\n") else 0)
            last = chunk[-1:]


def _csv_reader(f: Any, delimiter: str) -> Any:
    """A CSV reader of an open file that takes cells of up to `MAX_CELL_CHARS`."""
    csv.field_size_limit(MAX_CELL_CHARS)
    return csv.reader(f, delimiter=delimiter)


def _csv_records(path: Path, reader: Any) -> Iterator[list[str]]:
    """The records of a `_csv_reader`; a cell over `MAX_CELL_CHARS` is `cell_too_large`,
    a record the CSV reader cannot read is `invalid_csv` (its line named)."""
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise _fail(
                    f"{path.name}: line {reader.line_num} has a cell longer than "
                    f"{MAX_CELL_CHARS // 1024} KiB",
                    "cell_too_large",
                    line=reader.line_num,
                    limit=MAX_CELL_CHARS,
                ) from None
            raise _fail(
                f"{path.name}: line {reader.line_num} is not CSV ({str(exc)[:80]})",
                "invalid_csv",
                line=reader.line_num,
            ) from None
        yield values


# Cells ------------------------------------------------------------------------------


def _xlsx_text(value: Any, number_format: str | None) -> str:
    """A cell's value as the text a clerk sees in Excel."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            return repr(value)
        text = str(int(value))
        # A code typed as a number but shown with leading zeros ("000000"): keep them.
        if number_format and set(number_format) == {"0"}:
            text = text.zfill(len(number_format))
        return text
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


# Tables -----------------------------------------------------------------------------


@dataclass
class Table:
    """An opened spreadsheet: its header, and its rows as they are read."""

    path: Path
    format: str
    """`csv` or `xlsx`."""
    header: list[str]
    """The column names, lower case, stripped; '' where a column has none."""
    encoding: str | None = None
    """The CSV's encoding (Python's codec name)."""
    delimiter: str = ","
    """The CSV's separator."""
    sheet: str | None = None
    """The .xlsx sheet read."""
    total: int | None = None
    """How many rows lie below the header, blank ones included (an estimate for .xlsx)."""
    _header_at: int = field(default=0, repr=False)

    @property
    def encoding_name(self) -> str | None:
        """The encoding as people call it (`Windows-1252`)."""
        return _NAMES.get(self.encoding, self.encoding) if self.encoding else None

    def check_columns(
        self,
        required: Sequence[str],
        optional: Sequence[str] = (),
        *,
        allow_unknown: bool = False,
    ) -> None:
        """Refuse a header that lacks a required column, or (unless allowed) has an unknown one."""
        named = [h for h in self.header if h]
        twice = sorted({h for h in named if named.count(h) > 1})
        if twice:
            raise _fail(
                f"{self.path.name}: the column(s) {', '.join(twice)} appear more than once",
                "duplicate_columns",
                columns=twice,
            )
        missing = [c for c in required if c not in named]
        unknown = [] if allow_unknown else [h for h in named if h not in (*required, *optional)]
        if not missing and not unknown:
            return
        problems = []
        if missing:
            problems.append(f"lacks the column(s) {', '.join(missing)}")
        if unknown:
            problems.append(f"has unknown column(s) {', '.join(unknown)}")
        expected = ", ".join(required) + (f" (optional: {', '.join(optional)})" if optional else "")
        where = self.path.name + (f" (sheet {self.sheet!r})" if self.format == "xlsx" else "")
        hint = "; another sheet: --sheet NAME" if self.format == "xlsx" else ""
        raise _fail(
            f"{where} {' and '.join(problems)}; this portal's columns: {expected}{hint}",
            "missing_columns" if missing else "unknown_columns",
            missing=missing,
            unknown=unknown,
        )

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(row number, column name -> value) for each non-blank row, values stripped."""
        if self.format == "xlsx":
            yield from self._xlsx_rows()
        else:
            yield from self._csv_rows()

    def _record(self, values: Sequence[str]) -> dict[str, str]:
        record = {
            name: value.strip() for name, value in zip(self.header, values, strict=False) if name
        }
        # Values past the header's last column are kept, named by position, so that the
        # row is refused (`unexpected_field`) rather than cut without a word.
        for position, value in enumerate(values[len(self.header) :], start=len(self.header) + 1):
            if value.strip():
                record[f"column {position} (no header)"] = value.strip()
        return record

    def _csv_rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        assert self.encoding is not None
        with self.path.open(encoding=self.encoding, newline="") as f:
            reader = _csv_records(self.path, _csv_reader(f, self.delimiter))
            for _ in range(self._header_at + 1):
                next(reader, None)
            for number, values in enumerate(reader, start=1):
                if any(v.strip() for v in values):
                    yield number, self._record(values)

    def _xlsx_rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        workbook, sheet = _open_sheet(self.path, self.sheet)
        try:
            rows = sheet.iter_rows()
            for _ in range(self._header_at + 1):
                next(rows, None)
            for number, cells in enumerate(rows, start=1):
                values = [
                    _xlsx_text(c.value, getattr(c, "number_format", None)).strip() for c in cells
                ]
                if any(len(v) > MAX_CELL_CHARS for v in values):
                    raise _fail(
                        f"{self.path.name}: row {number} has a cell longer than "
                        f"{MAX_CELL_CHARS // 1024} KiB",
                        "cell_too_large",
                        row=number,
                        limit=MAX_CELL_CHARS,
                    )
                if any(values):
                    yield number, self._record(values)
        finally:
            workbook.close()


def _check_xlsx_sizes(path: Path) -> None:
    """Refuse a workbook whose parts unpack to more than the bounds (`file_too_large`),
    from the sizes the zip's directory states, before openpyxl unpacks anything: its
    read-only mode still holds the whole of the shared strings.  (zipfile never yields
    more than a part's stated size, so the stated sizes bound what is read.)"""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: openpyxl says so (`invalid_xlsx`)
    mib = 1 << 20
    for part in parts:
        ratio = part.file_size / max(part.compress_size, 1)
        too_big = part.file_size > MAX_XLSX_PART_BYTES
        if too_big or (part.file_size > mib and ratio > MAX_XLSX_RATIO):
            raise _fail(
                f"{path.name}: its part {part.filename[:60]} unpacks to "
                f"{part.file_size // mib} MiB"
                + (f" (at most {MAX_XLSX_PART_BYTES // mib} MiB)" if too_big else "")
                + (f", {ratio:.0f} times its packed size" if ratio > MAX_XLSX_RATIO else "")
                + ": too large for a clerk's list; is it the right file?",
                "file_too_large",
                part=part.filename[:60],
                size=part.file_size,
            )
    total = sum(part.file_size for part in parts)
    if total > MAX_XLSX_TOTAL_BYTES:
        raise _fail(
            f"{path.name} unpacks to {total // mib} MiB (at most {MAX_XLSX_TOTAL_BYTES // mib} "
            "MiB): too large for a clerk's list; is it the right file?",
            "file_too_large",
            size=total,
        )


def _open_sheet(path: Path, name: str | None) -> tuple[Any, Any]:
    """An .xlsx workbook in read-only mode, and its sheet (the first, or `name`)."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    _check_xlsx_sizes(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _fail(
            f"{path.name} is not a readable .xlsx workbook ({exc}); save it again from Excel",
            "invalid_xlsx",
        ) from None
    names: list[str] = list(workbook.sheetnames)
    if name is None:
        return workbook, workbook[names[0]]
    matches = [n for n in names if n == name] or [
        n for n in names if n.strip().casefold() == name.strip().casefold()
    ]
    if not matches:
        workbook.close()
        raise _fail(
            f"{path.name} has no sheet {name!r} (it has: {', '.join(names)})",
            "unknown_sheet",
            sheets=names,
        )
    return workbook, workbook[matches[0]]


def _header(values: Sequence[str]) -> list[str]:
    return [v.strip().lower() for v in values]


def open_table(path: Path, *, encoding: str | None = None, sheet: str | None = None) -> Table:
    """Open a clerk's CSV or .xlsx file and read its header; rows come with `Table.rows()`.

    Raises `InvalidInput` (nothing sent yet) for a missing, empty, undecodable or
    unreadable file, an unknown sheet or encoding, or an option that does not apply.
    """
    try:
        with path.open("rb") as f:
            magic = f.read(4)
    except FileNotFoundError:
        raise _fail(f"no such file: {path}", "file_not_found") from None
    except IsADirectoryError:
        raise _fail(f"{path} is a folder, not a file", "file_not_found") from None
    except OSError as exc:
        raise _fail(f"cannot read {path}: {exc.strerror}", "file_unreadable") from None
    if magic == _OLE_MAGIC or path.suffix.lower() in (".xls", ".ods", ".numbers"):
        raise _fail(
            f"{path.name}: only CSV and .xlsx files are read; save it as .xlsx or CSV",
            "unsupported_format",
        )
    if magic == _ZIP_MAGIC or path.suffix.lower() in _XLSX_SUFFIXES:
        if encoding is not None:
            raise _fail("--encoding is for CSV files; .xlsx has none", "option_not_applicable")
        return _open_xlsx(path, sheet)
    if sheet is not None:
        raise _fail("--sheet is for .xlsx files; a CSV file has one sheet", "option_not_applicable")
    chosen = _canonical_encoding(encoding) if encoding else detect_encoding(path)
    chosen = _bom_less_utf16(path, chosen)
    lines = _check_decodes(path, chosen)
    with path.open(encoding=chosen, newline="") as f:
        first_lines = [line for line in (f.readline() for _ in range(50)) if line.strip()]
    if not first_lines:
        raise _fail(f"{path.name} is empty: it has no header row", "empty_file")
    header_line = first_lines[0]
    delimiter = max((";", ",", "\t"), key=lambda d: (header_line.count(d), d == ","))
    with path.open(encoding=chosen, newline="") as f:
        reader = _csv_reader(f, delimiter)
        for index, values in enumerate(_csv_records(path, reader)):
            if any(v.strip() for v in values):
                return Table(
                    path=path,
                    format="csv",
                    header=_header(values),
                    encoding=chosen,
                    delimiter=delimiter,
                    total=max(lines - reader.line_num, 0),
                    _header_at=index,
                )
    raise _fail(f"{path.name} is empty: it has no header row", "empty_file")  # pragma: no cover


def _open_xlsx(path: Path, sheet: str | None) -> Table:
    workbook, worksheet = _open_sheet(path, sheet)
    try:
        for index, cells in enumerate(worksheet.iter_rows(values_only=True)):
            values = [_xlsx_text(v, None).strip() for v in cells]
            if any(values):
                max_row = worksheet.max_row
                return Table(
                    path=path,
                    format="xlsx",
                    header=_header(values),
                    sheet=worksheet.title,
                    total=max(max_row - index - 1, 0) if isinstance(max_row, int) else None,
                    _header_at=index,
                )
    finally:
        workbook.close()
    raise _fail(
        f"{path.name}: the sheet {worksheet.title!r} is empty: it has no header row", "empty_file"
    )


def read_rows(path: Path, *, required: list[str]) -> list[dict[str, str]]:
    """Every non-blank row of a CSV or .xlsx file (see `open_table`), in memory.

    Header names match case-insensitively; extra columns are kept.  Missing columns
    are reported before anything is sent.
    """
    table = open_table(path)
    table.check_columns(required, allow_unknown=True)
    return [row for _, row in table.rows()]
