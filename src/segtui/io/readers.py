"""Read sales tables the way salespeople actually have them.

Files come out of ERPs, CRMs and Excel: CSV with ``,`` ``;`` or tab between
values, in UTF-8 (with or without BOM), UTF-16 (Excel "Unicode text") or
Windows-1252/Latin-1 (older Swedish Excel), sometimes gzip-compressed, or XLSX
workbooks.  :func:`open_table` turns any of them into a :class:`Table` whose
rows are streamed, each with the line (CSV) or row (XLSX) number a person can
look up in the file.  :func:`parse_amount`, :func:`parse_quantity` and
:func:`parse_date` turn the values into ``Decimal`` and ``date``.

Rules a person may need to know (all are tested):

* The header is the first non-blank line/row.  It needs at least two columns;
  empty column names at the end of the header are dropped; the same column
  name twice is an error.  A header that looks like data (a date or a decimal
  number among the names, or only numbers) is an error: the file has no header.
* Blank lines, and rows whose values are all empty, are skipped.
* A row with *fewer* values than the header is padded with ``''`` (exports
  often leave trailing empty values out).  A row with *more* values is an
  error, unless the extra values are all empty (a trailing separator).
* CSV values are returned exactly as written (``str``, not stripped).  XLSX
  values keep their cell type (``str``, ``int``, ``float``, ``datetime``, ...);
  an empty cell is ``''``.  The parse functions accept both.
* Line numbers are physical lines of the file (the header is usually line 1).
  A row whose quoted value spans several lines gets the number of the line it
  starts on.  XLSX rows get the sheet row number.
* Encoding: a BOM decides; otherwise UTF-8 if the first MB is valid UTF-8,
  else Windows-1252, else Latin-1.  A byte further on that is not valid UTF-8
  is read as Windows-1252 (so "Malmö" comes out right even after a megabyte of
  plain ASCII).
* Numbers: if both ``.`` and ``,`` appear, the last one is the decimal
  separator.  If only one kind appears once (``1,5`` ``1,234`` ``1.234``) it is
  the decimal separator; if it appears several times (``1,234,567``) it
  separates thousands.  Spaces (also no-break and narrow no-break spaces) and
  ``'`` separate thousands.  Thousands groups must have three digits.  Pass
  ``decimal=`` (see :func:`detect_decimal_separator`) to settle ``1,234``.
  These are the rules of the one money parser, :func:`segtui.domain.money.parse_money`
  (docs/amounts.md); the plain figures most files hold are read by a shortcut in front of
  it that gives the same Decimal (tests/test_money_parse.py).  A currency written beside
  an amount is refused: it comes from the currency column or the book.
* Amounts of 10^13 or more (in any sign) are refused as too large.
* Dates: ``DD/MM/YYYY`` unless ``order='mdy'`` (see :func:`detect_date_order`);
  ``DD.MM.YYYY`` is always day first; years must be 1900..2100 and have four
  digits; a time after the date is checked and dropped.  Excel day serials are
  read as Excel shows them (1 is 1900-01-01); serial 60, Excel's 29 February
  1900 that never was, is refused.
* Sizes (README "Your data"): a value at most CELL_LIMIT characters, a row
  ROW_LIMIT, a sheet SHEET_ROWS rows, a CSV file FILE_LIMIT bytes of text; a
  workbook's parts are measured before it is read (XLSX_PART_LIMIT,
  XLSX_TEXT_LIMIT, XLSX_PACKING).  Only regular files are read (no FIFO, device
  or socket).
* An encrypted (password-protected) workbook is refused as such.  openpyxl's
  warnings (about styles, extensions and other parts it does not read) are
  not shown.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import math
import os
import re
import stat
import zipfile
import zlib
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from functools import lru_cache
from itertools import islice
from typing import IO, Any, Callable, Iterable, Iterator

from segtui.domain.money import parse_money
from segtui.i18n import N_, Phrase

__all__ = [
    "ReadError",
    "Table",
    "Value",
    "open_table",
    "parse_amount",
    "parse_quantity",
    "to_minor",
    "parse_date",
    "detect_date_order",
    "detect_decimal_separator",
    "AMOUNT_LIMIT",
]

#: A value in a row: always ``str`` for CSV; the cell's type for XLSX.
Value = str | int | float | Decimal | datetime | date | time | timedelta | bool

#: Amounts and quantities must be strictly below this (in major units).
AMOUNT_LIMIT = 10**13

#: The most a reader takes (README "Your data"): characters in one value (Excel's own limit
#: for a cell), characters in one row, rows of a sheet (Excel's), bytes of a CSV file's text
#: (after gzip), and bytes of a workbook's sheet or shared text, unpacked.
CELL_LIMIT = 32_767
ROW_LIMIT = 1_048_576
SHEET_ROWS = 1_048_576
FILE_LIMIT = 4 * 1024**3
XLSX_PART_LIMIT = 1024**3
XLSX_TEXT_LIMIT = 256 * 1024**2
#: A workbook part larger than XLSX_PACKED_FROM unpacked that is packed more than XLSX_PACKING
#: times is refused: no table a person or program wrote packs like that (a 410 KB file that
#: unpacks to a 400 MB customer id does).
XLSX_PACKED_FROM = 16 * 1024**2
XLSX_PACKING = 200

csv.field_size_limit(CELL_LIMIT)

_SAMPLE_BYTES = 1 << 20  # encoding is decided on the first MB
_SNIFF_CHARS = 1 << 16  # the separator is decided on the first 64 KB
_SNIFF_ROWS = 50
_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": ",", ";": ";", "\t": "tab", "|": "|"}


# --------------------------------------------------------------------------
# Errors and the table
# --------------------------------------------------------------------------


class ReadError(Exception):
    """A file that cannot be read as a table.

    ``line`` is the 1-based line of the file (the row for XLSX) or None,
    ``column`` the column name or None, ``reason`` what is wrong.  ``str(e)``
    is one sentence for a person, e.g.
    ``line 14, column "InvoiceDate": "31/02/2011" is not a date``. The reason and
    the message are :class:`~segtui.i18n.Phrase` (English ``str`` that the screens
    and the command line say in the language in use: ``i18n.said(e)``).
    """

    def __init__(
        self,
        reason: str,
        line: int | None = None,
        column: str | None = None,
        *,
        unit: str = "line",
        message: str | None = None,
    ) -> None:
        self.reason = reason
        self.line = line
        self.column = column
        self.unit = unit
        if message is None:
            message = placed(reason, line, column, unit)
        self.message = message
        self.phrase = message if isinstance(message, Phrase) else None
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


def placed(reason: str, line: int | None, column: str | None = None, unit: str = "line") -> str:
    """``reason`` with where it is: 'line 14, column "Date": …' ('row 14' in a workbook)."""
    row = unit == "row"
    if line is not None and column is not None:
        return (Phrase('row {line}, column "{column}": {reason}', line=line, column=column, reason=reason) if row
                else Phrase('line {line}, column "{column}": {reason}', line=line, column=column, reason=reason))
    if line is not None:
        return (Phrase("row {line}: {reason}", line=line, reason=reason) if row
                else Phrase("line {line}: {reason}", line=line, reason=reason))
    if column is not None:
        return Phrase('column "{column}": {reason}', column=column, reason=reason)
    return reason


def reason_of(error: BaseException) -> str:
    """What a ValueError of the parsers says: its :class:`Phrase` when it carries one."""
    first = error.args[0] if error.args else None
    return first if isinstance(first, Phrase) else str(error)


@dataclass
class Table:
    """A table opened from a file: its header and a stream of its rows.

    ``rows`` yields ``(line, values)`` once, lazily; ``values`` always has
    exactly ``len(header)`` items.  Close the table (or use it in a ``with``)
    if you stop reading before the end.
    """

    path: str
    format: str
    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    unit: str = "line"  # how positions are named in messages: "line" or "row"
    header_line: int = 1
    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    _closer: Callable[[], None] | None = field(default=None, repr=False, compare=False)

    def error(self, line: int | None, column: str | None, reason: str) -> ReadError:
        """A ReadError for a value of this table, worded for its kind of file."""
        return ReadError(reason, line, column, unit=self.unit)

    def close(self) -> None:
        """Release the file."""
        close_rows = getattr(self.rows, "close", None)
        if close_rows is not None:
            close_rows()
        if self._closer is not None:
            self._closer()
            self._closer = None

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------
# Opening a file
# --------------------------------------------------------------------------

_MAGIC = (
    (b"\x89PNG", N_("a PNG image")),
    (b"%PDF", N_("a PDF document")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"GIF8", N_("a GIF image")),
    (b"7z\xbc\xaf", N_("a 7-Zip archive")),
    (b"Rar!", N_("a RAR archive")),
    (b"BZh", N_("a bzip2-compressed file")),
    (b"\xfd7zXZ", N_("an xz-compressed file")),
)
_OLD_OFFICE = b"\xd0\xcf\x11\xe0"
_ZIP = b"PK\x03\x04"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted Office file keeps its data in
_GZIP = b"\x1f\x8b"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_GZIP_ERRORS = (OSError, EOFError, zlib.error)


def open_table(path: str | os.PathLike[str], sheet: str | None = None) -> Table:
    """Open a CSV (maybe gzip-compressed) or XLSX file as a :class:`Table`.

    ``sheet`` names the XLSX sheet to read (default: the first one).  Raises
    :class:`ReadError` with a sentence for a person when the file is missing,
    empty, not a table, or broken.
    """
    name = os.fspath(path)
    if not os.path.exists(name):
        raise ReadError(Phrase('the file "{name}" does not exist', name=name))
    if os.path.isdir(name):
        raise ReadError(Phrase('"{name}" is a folder, not a file', name=name))
    try:
        mode = os.stat(name).st_mode
    except OSError as e:
        raise ReadError(f'the file "{name}" cannot be opened ({e.strerror or e})') from e
    if not stat.S_ISREG(mode):
        what = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        raise ReadError(f'"{name}" is {what}, not a file: save the data to a file and import that')
    size = os.stat(name).st_size
    if size > FILE_LIMIT:
        raise ReadError(f"the file is {size:,} bytes; at most {FILE_LIMIT:,} are read")
    try:
        raw = open(name, "rb")
    except OSError as e:
        raise ReadError(Phrase('the file "{name}" cannot be opened ({error})', name=name, error=e.strerror or e)) from e

    stream: IO[bytes] = raw
    try:
        head = raw.read(_SAMPLE_BYTES)
        if not head:
            raise ReadError(Phrase("the file is empty"))
        compressed = head.startswith(_GZIP)
        if compressed:
            raw.seek(0)
            stream = _Capped(gzip.GzipFile(fileobj=raw, mode="rb"))
            try:
                head = stream.read(_SAMPLE_BYTES)
            except EOFError as e:
                raise ReadError(Phrase("the compressed file is cut off (it ends before its data does)")) from e
            except _GZIP_ERRORS as e:
                raise ReadError(Phrase("the file looks gzip-compressed but cannot be decompressed (it is damaged or "
                                       "not really gzip: {error})", error=e)) from e
            if not head:
                raise ReadError(Phrase("the file is empty (the compressed file contains nothing)"))

        lower = name.lower()
        if head.startswith(_OLD_OFFICE) and _ENCRYPTED in head:
            raise ReadError(
                "the workbook is password-protected (encrypted), so it cannot be read: open it in Excel, "
                "remove the password (File › Info › Protect Workbook) and save it, or save it as CSV"
            )
        if head.startswith(_ZIP) or lower.endswith((".xlsx", ".xlsm", ".xlsx.gz")):
            if not head.startswith(_ZIP):
                raise ReadError(Phrase("the file is named like an XLSX workbook but is not one"))
            if compressed:
                source: IO[bytes] = io.BytesIO(head + _read_rest(stream))
                stream.close()
                raw.close()
            else:
                raw.seek(0)
                source = raw  # a file object: openpyxl then does not insist on an .xlsx name
            return _open_xlsx(name, source, sheet, compressed)

        if sheet is not None:
            raise ReadError(Phrase('sheet "{sheet}" was asked for, but this is a CSV file, which has no sheets', sheet=sheet))
        _refuse_binary(head)
        complete = len(head) < _SAMPLE_BYTES
        codec, label, text = _detect_encoding(head, complete)
        _refuse_binary_text(text)
        return _open_csv(name, raw, stream, compressed, codec, label, text, complete)
    except BaseException:
        stream.close()
        raw.close()
        raise


class _TooBig(Exception):
    """More text than :data:`FILE_LIMIT` came out of a compressed file."""


class _Capped(io.BufferedIOBase):
    """A gzip stream that stops with :class:`_TooBig` after :data:`FILE_LIMIT` bytes."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.count = 0

    def _counted(self, data: bytes) -> bytes:
        self.count += len(data)
        if self.count > FILE_LIMIT:
            raise _TooBig()
        return data

    def read(self, size: int | None = -1) -> bytes:
        return self._counted(self.inner.read(size))

    def read1(self, size: int = -1) -> bytes:
        return self._counted(self.inner.read1(size))

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        if (offset, whence) == (0, 0):
            self.count = 0
        return self.inner.seek(offset, whence)

    def close(self) -> None:
        self.inner.close()
        super().close()


def _too_big() -> str:
    return f"the file holds more than {FILE_LIMIT:,} bytes of text (unpacked); at most that much is read"


def _read_rest(stream: IO[bytes]) -> bytes:
    try:
        return stream.read()
    except _TooBig:
        raise ReadError(_too_big()) from None
    except _GZIP_ERRORS as e:
        raise ReadError(Phrase("the compressed file is damaged or cut off ({error})", error=e)) from e


def _refuse_binary(head: bytes) -> None:
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise ReadError(Phrase("the file does not look like a CSV or XLSX file (it is {what})", what=Phrase(what)))
    if head.startswith(_OLD_OFFICE):
        raise ReadError(Phrase("the file is an old-style Excel .xls (or other Office) file; open it in Excel and save "
                               "it as .xlsx or CSV"))


def _refuse_binary_text(text: str) -> None:
    sample = text[:_SNIFF_CHARS]
    controls = len(_CONTROL.findall(sample))
    if "\x00" in sample or (controls > 8 and controls > len(sample) * 0.01):
        raise ReadError(Phrase("the file does not look like a CSV or XLSX file (it contains binary data)"))
    start = sample.lstrip()[:15].lower()
    if start.startswith(("<!doctype html", "<html", "<?xml", "<table")):
        raise ReadError(
            "the file does not look like a CSV or XLSX file (it is a web page or XML; "
            "export the data as CSV or XLSX instead)"
        )


# --------------------------------------------------------------------------
# Encodings
# --------------------------------------------------------------------------

_FALLBACK_ERRORS = "segtui.readers.cp1252-fallback"


def _byte_as_text(b: int) -> str:
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:
        return bytes([b]).decode("latin-1")


_BYTE_TEXT = tuple(_byte_as_text(b) for b in range(256))


def _cp1252_fallback(err: UnicodeError) -> tuple[str, int]:
    """Decode bytes that are not valid in the file's encoding as Windows-1252."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    bad = err.object[err.start : err.end]
    return "".join(_BYTE_TEXT[b] for b in bad), err.end


codecs.register_error(_FALLBACK_ERRORS, _cp1252_fallback)


def _utf16_without_bom(head: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when mostly-ASCII text has a zero byte in every other place."""
    start = head[:256]
    if len(start) < 4 or len(start) % 2:
        start = start[: len(start) - len(start) % 2]
    if len(start) < 4:
        return None
    even, odd = start[0::2], start[1::2]
    if not odd.strip(b"\x00") and b"\x00" not in even:
        return "utf-16-le"
    if not even.strip(b"\x00") and b"\x00" not in odd:
        return "utf-16-be"
    return None


def _detect_encoding(head: bytes, complete: bool) -> tuple[str, str, str]:
    """Choose the codec for a file from its first bytes: (codec, label, decoded sample)."""
    if head.startswith(codecs.BOM_UTF8):
        codec, label = "utf-8-sig", "UTF-8 with BOM"
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        codec, label = "utf-16", "UTF-16"
    elif utf16 := _utf16_without_bom(head):
        codec, label = utf16, "UTF-16"
    else:
        codec, label = "utf-8", "UTF-8"
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=complete)
        except UnicodeDecodeError:
            try:
                head.decode("cp1252")
                codec, label = "cp1252", "Windows-1252"
            except UnicodeDecodeError:
                codec, label = "latin-1", "Latin-1"
    decoder = codecs.getincrementaldecoder(codec)(errors=_FALLBACK_ERRORS)
    return codec, label, decoder.decode(head, final=complete)


# --------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------

_SEP_LINE = re.compile(r"sep=(.)[ \t]*(?:\r\n|\r|\n|$)", re.IGNORECASE)


def _csv_reader(lines: Iterable[str], delimiter: str, strict: bool = True) -> Any:
    return csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True, strict=strict)


def _is_blank(fields: Iterable[Any]) -> bool:
    """True when every value is empty or whitespace."""
    for v in fields:
        if v is None or v == "":
            continue
        if isinstance(v, str) and v.isspace():
            continue
        return False
    return True


def _sniff_delimiter(sample: str, complete: bool) -> str | None:
    """Pick the separator that splits the header into the most columns consistently.

    Every candidate (, ; tab |) is tried on the first rows; a candidate must
    give the header at least two columns, and wins by the share of rows that
    have as many values as the header, then by the number of columns.
    (csv.Sniffer is not used: it is fooled by decimal commas in ;-files.)
    """
    best: str | None = None
    best_score: tuple[float, int] = (-1.0, 0)
    for delimiter in _DELIMITERS:
        rows: list[list[str]] = []
        try:
            for fields in _csv_reader(io.StringIO(sample, newline=""), delimiter, strict=False):
                if fields and not _is_blank(fields):
                    rows.append(fields)
                    if len(rows) > _SNIFF_ROWS:
                        break
        except csv.Error:
            pass
        if not complete and len(rows) > 1 and len(rows) <= _SNIFF_ROWS:
            rows.pop()  # the last row may be cut off by the end of the sample
        if not rows:
            continue
        header = _trim_trailing_blanks(rows[0])
        if len(header) < 2:
            continue
        data = rows[1:]
        width = len(rows[0])
        fit = sum(1 for r in data if len(r) == width) / len(data) if data else 1.0
        score = (fit, len(header))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _trim_trailing_blanks(fields: list[Any]) -> list[Any]:
    end = len(fields)
    while end and _is_blank(fields[end - 1 : end]):
        end -= 1
    return fields[:end]


def _open_csv(
    name: str,
    raw: IO[bytes],
    stream: IO[bytes],
    compressed: bool,
    codec: str,
    label: str,
    sample: str,
    complete: bool,
) -> Table:
    offset = 0  # physical lines before the csv reader starts (an Excel "sep=" line)
    sep_line = _SEP_LINE.match(sample)
    if sep_line:
        delimiter: str | None = sep_line.group(1)
        offset = 1
    else:
        delimiter = _sniff_delimiter(sample[:_SNIFF_CHARS], complete and len(sample) <= _SNIFF_CHARS)
    if delimiter is None:
        if _is_blank([sample]):
            raise ReadError(Phrase("the file contains only blank lines"))
        raise ReadError(Phrase("the first line has no column separator (expected , ; or tab between column names): "
                               "the file does not look like a table"))

    # UTF-16 has no bytes of another encoding to take in its stead: a byte that is not
    # UTF-16 is a file that mixes encodings, refused at its line
    utf16 = codec.startswith("utf-16")
    errors = "strict" if utf16 else _FALLBACK_ERRORS

    def reopen(errors: str = _FALLBACK_ERRORS) -> io.TextIOWrapper:
        """A fresh text stream over the file, at its first line."""
        binary: IO[bytes] = gzip.open(name, "rb") if compressed else open(name, "rb")
        return io.TextIOWrapper(binary, encoding=codec, errors=errors, newline="")

    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding=codec, errors=errors, newline="")
    text._CHUNK_SIZE = 1 << 16  # type: ignore[attr-defined]  # fewer, larger reads
    if offset:
        text.readline()
    reader = _csv_reader(text, delimiter)
    rest = f"{label}, gzip" if compressed else label
    fmt = (Phrase("CSV (tab-separated, {rest})", rest=rest) if delimiter == "\t"
           else Phrase("CSV ({separator}-separated, {rest})", separator=_DELIMITER_NAMES.get(delimiter, delimiter),
                       rest=rest))

    header_fields: list[str] | None = None
    prev = 0
    try:
        for fields in reader:
            if fields and not _is_blank(fields):
                header_fields = fields
                break
            prev = reader.line_num
    except csv.Error as e:
        raise _quote_error(e, reopen, prev + 1 + offset, reader.line_num + offset, delimiter) from e
    except _GZIP_ERRORS as e:
        raise _stream_error(e, prev + 1 + offset, compressed) from e
    except UnicodeDecodeError as e:
        raise _mixed_encoding(reopen, label, prev + 1 + offset) from e
    if header_fields is None:
        raise ReadError(Phrase("the file contains only blank lines"))
    header_line = prev + 1 + offset

    header = [h.strip().lstrip("\ufeff").strip() for h in _trim_trailing_blanks(header_fields)]
    _check_header(header, header_fields, "line", header_line)

    def close() -> None:
        text.close()
        raw.close()

    rows = _csv_rows(text, raw, reader, len(header), offset, reopen, delimiter, compressed, label if utf16 else None)
    return Table(
        path=name,
        format=fmt,
        header=header,
        rows=rows,
        unit="line",
        header_line=header_line,
        delimiter=delimiter,
        encoding=label,
        _closer=close,
    )


def _csv_rows(
    text: io.TextIOWrapper,
    raw: IO[bytes],
    reader: Any,
    width: int,
    offset: int,
    reopen: Callable[[], io.TextIOWrapper],
    delimiter: str,
    compressed: bool,
    utf16: str | None = None,
) -> Iterator[tuple[int, list[str]]]:
    """Yield (line, values) for each non-blank record, checked against the header width.

    ``utf16``: the file's label when it is UTF-16, whose records are checked for text of
    another encoding read as UTF-16 (a UTF-8 tail: one long value of CJK-looking
    characters made of two ASCII bytes each, with no separator and no line end)."""
    pad = [""] * width
    prev = reader.line_num
    wide = width * CELL_LIMIT > ROW_LIMIT  # else no row can be too long, each value being short enough
    try:
        for fields in reader:
            start = prev + 1 + offset
            prev = reader.line_num
            n = len(fields)
            if wide and sum(map(len, fields)) > ROW_LIMIT:
                raise _row_too_long("line", start, sum(map(len, fields)))
            if n == width:
                first = fields[0]
                if (first and not first.isspace()) or not _is_blank(fields):
                    yield start, fields
                continue
            if not fields or _is_blank(fields):
                continue
            if utf16 and n == 1 and _ASCII_PAIRS(fields[0]):
                raise _mixed_encoding(reopen, utf16, start, found=start)
            if n < width:
                fields.extend(pad[n:])
            else:
                used = len(_trim_trailing_blanks(fields))
                if used > width:
                    raise ReadError(
                        Phrase("has {used} fields, the header has {width}", used=used, width=width),
                        start,
                        message=Phrase("line {line} has {used} fields, the header has {width}", line=start, used=used,
                                       width=width),
                    )
                del fields[width:]
            yield start, fields
    except csv.Error as e:
        raise _quote_error(e, reopen, prev + 1 + offset, reader.line_num + offset, delimiter) from e
    except _GZIP_ERRORS as e:
        raise _stream_error(e, prev + 1 + offset, compressed) from e
    except UnicodeDecodeError as e:
        raise _mixed_encoding(reopen, utf16 or "UTF-16", prev + 1 + offset) from e
    except _TooBig:
        raise ReadError(_too_big(), prev + 1 + offset, message=f"line {prev + 1 + offset}: {_too_big()}") from None
    finally:
        text.close()
        raw.close()


def _row_too_long(unit: str, line: int, size: int) -> ReadError:
    reason = f"is {size:,} characters long; a row holds at most {ROW_LIMIT:,}"
    return ReadError(reason, line, unit=unit, message=f"{unit} {line} {reason}")


#: A character made of two ASCII bytes (a letter, digit, comma, line end …) read as UTF-16
_ASCII_PAIRS = re.compile(r"[\u0909-\u7e7e]").search


def _mixed_encoding(
    reopen: Callable[..., io.TextIOWrapper], label: str, start: int, found: int | None = None
) -> ReadError:
    """A file that stops being in its encoding part-way: refused at the first line that is not.
    Without ``found`` the line is the first one that does not decode (a decode error is
    raised for a whole chunk of the file, maybe lines before the bad bytes)."""
    if found is None:
        found = start
        try:
            with reopen("replace") as again:
                for number, line in enumerate(again, 1):
                    if "\ufffd" in line:
                        found = max(number, start)
                        break
        except Exception:  # the first error is the one to report
            pass
    reason = (f"is not {label} text like the lines before it (a decode error: part of the file is in another "
              "encoding) — save the whole file again in one encoding")
    return ReadError(reason, found, message=f"line {found} {reason}")


def _stream_error(error: BaseException, line: int, compressed: bool) -> ReadError:
    """The file stopped being readable part-way (a cut-off or damaged gzip, a disk error)."""
    if compressed:
        return ReadError(Phrase("the compressed file is damaged or cut off ({error})", error=error), line,
                         message=Phrase("the compressed file is damaged or cut off near line {line} ({error})",
                                        line=line, error=error))
    return ReadError(Phrase("the file could not be read ({error})", error=error), line,
                     message=Phrase("the file could not be read near line {line} ({error})", line=line, error=error))


def _quote_error(
    error: csv.Error,
    reopen: Callable[[], io.TextIOWrapper],
    start: int,
    end: int,
    delimiter: str,
) -> ReadError:
    """Explain a CSV quoting error, naming the line where the bad quote is."""
    try:
        with reopen() as again:
            lines = islice(again, start - 1, None)
            opened, stray = _scan_quotes(lines, start, max(end, start), delimiter)
    except Exception:  # the first error is the one to report
        opened, stray = None, None
    if opened is not None and stray is None:
        return _line_has(Phrase("has a quote that is never closed"), opened)
    if opened is not None and stray is not None and stray != opened:
        return _line_has(Phrase("has a quote that is never closed (the value runs on to line {stray})", stray=stray),
                         opened)
    if stray is None and "field limit" in str(error):
        limit = csv.field_size_limit()
        return _line_has(Phrase("has a value longer than {limit} characters", limit=f"{limit:,}"), start)
    line = stray if stray is not None else start
    return _line_has(Phrase('has a stray quote in a quoted value (a quote inside a quoted value must be written "")'),
                     line)


def _line_has(reason: Phrase, line: int) -> ReadError:
    """'line 14 has a quote that is never closed'."""
    return ReadError(reason, line, message=Phrase("line {line} {reason}", line=line, reason=reason))


def _scan_quotes(lines: Iterable[str], first: int, last: int, delimiter: str) -> tuple[int | None, int | None]:
    """Follow the quoting from the start of a record.

    Returns (line where the open quote started, line of a closing quote that
    is followed by text instead of a separator).  Both None if all is well.
    """
    in_quotes = False
    opened: int | None = None
    field_start = True
    lineno = first - 1
    for lineno, line in enumerate(lines, first):
        i, n = 0, len(line)
        while i < n:
            c = line[i]
            if in_quotes:
                if c == '"':
                    if i + 1 < n and line[i + 1] == '"':
                        i += 2
                        continue
                    in_quotes = False
                    following = line[i + 1] if i + 1 < n else ""
                    if following not in (delimiter, "\r", "\n", ""):
                        return opened, lineno
                    field_start = False
            elif c == '"' and field_start:
                in_quotes, opened, field_start = True, lineno, False
            else:
                field_start = c in (delimiter, "\r", "\n")
            i += 1
        if lineno >= last:
            break
    if in_quotes:
        return opened, None
    return None, None


# --------------------------------------------------------------------------
# Header checks
# --------------------------------------------------------------------------


def _check_header(header: list[str], raw_cells: list[Any], unit: str, line: int) -> None:
    row = unit == "row"
    where = Phrase("row {line}", line=line) if row else Phrase("line {line}", line=line)
    if len(header) < 2:
        only = Phrase(' ("{name}")', name=header[0]) if header else ""
        reason = (Phrase("the first row has only one column{only}; a table needs at least two", only=only) if row
                  else Phrase("the first line has only one column{only}; a table needs at least two", only=only))
        raise ReadError(reason, line, message=Phrase(
            "the header ({where}) has only one column{only}; a table needs at least two", where=where, only=only))
    if _looks_like_data(raw_cells[: len(header)]):
        shown = ", ".join(f'"{h}"' for h in header[:4])
        reason = Phrase("looks like data, not column names ({names}...): the file has no header", names=shown)
        raise ReadError(reason, line, message=Phrase("{where} {reason}", where=where, reason=reason))
    seen: dict[str, int] = {}
    for i, h in enumerate(header, 1):
        if not h:
            continue
        if h in seen:
            reason = Phrase('column "{column}" appears twice in the header (columns {first} and {second})', column=h,
                            first=seen[h], second=i)
            raise ReadError(reason, line, message=reason)
        seen[h] = i


def _looks_like_data(cells: list[Any]) -> bool:
    """A header looks like data if a name is a date or a decimal number, or all names are numbers."""
    kinds = []
    for v in cells:
        if _is_blank([v]):
            continue
        if isinstance(v, (datetime, date)):
            return True
        if isinstance(v, bool):
            kinds.append(False)
            continue
        if isinstance(v, float) and not v.is_integer():
            return True
        if isinstance(v, (int, float, Decimal)):
            kinds.append(True)
            continue
        text = str(v).strip()
        try:
            parse_date(text)
            return True
        except ValueError:
            pass
        try:
            parse_amount(text)
        except ValueError:
            kinds.append(False)
            continue
        if re.search(r"[.,]\d", text):
            return True
        kinds.append(True)
    return bool(kinds) and all(kinds)


# --------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------


def _cell_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (datetime, date, time)):
        return v.isoformat()
    return str(v)


class PhantomDay(datetime):
    """A cell holding Excel's day serial 60: 29 February 1900, a day that never was (Excel
    counts it for Lotus 1-2-3's sake; openpyxl reads it as the 28th). Refused as a date;
    equal to nothing but itself, so no cache of dates takes it for the 28th."""

    def __eq__(self, other: object) -> bool:
        return other is self

    def __ne__(self, other: object) -> bool:
        return other is not self

    __hash__ = object.__hash__


_PHANTOM = PhantomDay(1900, 2, 28)
_PHANTOM_SHOWN = "1900-02-29 (Excel's day serial 60)"


def _quiet_openpyxl() -> None:
    """Once: openpyxl's warnings are not shown (they are about what it leaves out of a workbook
    it reads — styles, data validation, conditional formats, extensions — never about the
    values; a date cell it cannot read becomes "#VALUE!", which the importer refuses at its
    row), and Excel's day serial 60 in a date cell is read as :class:`PhantomDay`."""
    global _QUIETED
    if _QUIETED:
        return
    import warnings

    import openpyxl.worksheet._reader as sheet_reader
    from openpyxl.utils.datetime import WINDOWS_EPOCH

    warnings.filterwarnings("ignore", module=r"openpyxl(\.|$)")
    plain = sheet_reader.from_excel

    def from_excel(value, epoch=WINDOWS_EPOCH, timedelta=False):
        if not timedelta and epoch == WINDOWS_EPOCH and 60 <= value < 61:
            return _PHANTOM
        return plain(value, epoch, timedelta=timedelta)

    sheet_reader.from_excel = from_excel
    _QUIETED = True


_QUIETED = False


def _open_xlsx(name: str, source: IO[bytes], sheet: str | None, compressed: bool) -> Table:
    """Open a workbook; ``source`` is closed with the table."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    _quiet_openpyxl()
    _check_parts(source)
    try:
        wb = load_workbook(source, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds on damaged files
        if isinstance(e, zipfile.BadZipFile):
            raise ReadError(Phrase("the file looks like an XLSX workbook but is damaged ({error})", error=e)) from e
        try:
            source.seek(0)
            with zipfile.ZipFile(source) as z:
                is_xlsx = any(n.startswith("xl/") for n in z.namelist())
        except Exception:
            is_xlsx = True
        if not is_xlsx:
            raise ReadError(Phrase("the file is a ZIP archive, not an XLSX workbook")) from e
        raise ReadError(Phrase("the XLSX workbook cannot be read ({kind}: {error})", kind=type(e).__name__, error=e)) from e

    try:
        ws = _choose_sheet(wb, sheet)
        ws.reset_dimensions()  # exporters often write wrong dimensions
        rows_iter = iter(ws.iter_rows(values_only=True))
        header_cells: tuple[Any, ...] | None = None
        header_row = 0
        for header_row, row in enumerate(rows_iter, 1):
            if header_row > SHEET_ROWS:
                raise ReadError(f'the sheet "{ws.title}" has no table in its first {SHEET_ROWS:,} rows (Excel\'s limit)')
            if row and not _is_blank(row):
                header_cells = row
                break
        if header_cells is None:
            raise ReadError(Phrase('the sheet "{sheet}" is empty', sheet=ws.title))
        cells = _trim_trailing_blanks(list(header_cells))
        header = [_cell_text(v) for v in cells]
        _check_header(header, cells, "row", header_row)
    except ReadError:
        wb.close()
        raise
    except Exception as e:
        wb.close()
        raise ReadError(Phrase("the XLSX workbook is damaged ({kind}: {error})", kind=type(e).__name__, error=e)) from e

    def close() -> None:
        wb.close()
        source.close()

    width = len(header)

    def rows() -> Iterator[tuple[int, list[Any]]]:
        rownum = header_row
        try:
            for rownum, row in enumerate(rows_iter, header_row + 1):
                if rownum > SHEET_ROWS:
                    raise ReadError(
                        f"a sheet has at most {SHEET_ROWS:,} rows (Excel's limit): this one goes on", rownum, unit="row",
                        message=f"row {rownum:,}: a sheet has at most {SHEET_ROWS:,} rows (Excel's limit), this one "
                                "goes on (empty rows without end?) — copy the table to a new sheet and save it again",
                    )
                if not row:
                    continue
                values = ["" if v is None else v for v in row]
                size = 0
                for i, v in enumerate(values):
                    if v.__class__ is str:
                        if len(v) > CELL_LIMIT:
                            raise ReadError(f"the value is {len(v):,} characters; a cell holds at most {CELL_LIMIT:,}",
                                            rownum, header[i] if i < width else get_column_letter(i + 1), unit="row")
                        size += len(v)
                if size > ROW_LIMIT:
                    raise _row_too_long("row", rownum, size)
                n = len(values)
                if n > width:
                    used = len(_trim_trailing_blanks(values))
                    if used > width:
                        letter = get_column_letter(used)
                        reason = Phrase("has a value in column {letter}, but the header has only {width} columns",
                                        letter=letter, width=width)
                        raise ReadError(reason, rownum, unit="row",
                                        message=Phrase("row {row} {reason}", row=rownum, reason=reason))
                    del values[width:]
                elif n < width:
                    values.extend([""] * (width - n))
                if _is_blank(values):
                    continue
                yield rownum, values
        except ReadError:
            raise
        except Exception as e:
            raise ReadError(Phrase("the workbook is damaged ({kind}: {error})", kind=type(e).__name__, error=e),
                            rownum + 1, unit="row") from e
        finally:
            close()

    title = ws.title
    return Table(
        path=name,
        format=(Phrase('XLSX sheet "{sheet}" (gzip)', sheet=title) if compressed
                else Phrase('XLSX sheet "{sheet}"', sheet=title)),
        header=header,
        rows=rows(),
        unit="row",
        header_line=header_row,
        sheet=title,
        _closer=close,
    )


def _check_parts(source: IO[bytes]) -> None:
    """Refuse a workbook whose sheets or shared text unpack to more than a reader takes, before
    any of it is read (a few hundred KB can unpack to gigabytes). The sizes are the ones the
    archive states, which unpacking never goes beyond."""
    try:
        with zipfile.ZipFile(source) as z:
            parts = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # openpyxl says what is wrong with it
    finally:
        source.seek(0)
    for part in parts:
        text = part.filename.lower().endswith("sharedstrings.xml")
        if not text and not part.filename.lower().startswith("xl/worksheets/"):
            continue
        limit = XLSX_TEXT_LIMIT if text else XLSX_PART_LIMIT
        what = "its shared text" if text else f"the sheet part {part.filename}"
        if part.file_size > limit:
            raise ReadError(f"the workbook is too large to read: {what} unpacks to {part.file_size:,} bytes; "
                            f"at most {limit:,} are read")
        if part.file_size > XLSX_PACKED_FROM and part.file_size > XLSX_PACKING * max(part.compress_size, 1):
            raise ReadError(f"the workbook is not a table as written: {what} unpacks to {part.file_size:,} bytes from "
                            f"{part.compress_size:,} (more than {XLSX_PACKING} times; a value of millions of "
                            "characters or rows without end)")


def _choose_sheet(wb: Any, sheet: str | None) -> Any:
    names: list[str] = list(wb.sheetnames)
    listed = ", ".join(f'"{n}"' for n in names)
    if sheet is None:
        if not wb.worksheets:
            raise ReadError(Phrase("the workbook has no sheets with a table"))
        return wb.worksheets[0]
    chosen = sheet if sheet in names else None
    if chosen is None:
        close = [n for n in names if n.strip().casefold() == sheet.strip().casefold()]
        if len(close) == 1:
            chosen = close[0]
    if chosen is None:
        raise ReadError(Phrase('there is no sheet "{sheet}" in the workbook (the sheets are {listed})', sheet=sheet, listed=listed))
    ws = wb[chosen]
    if not hasattr(ws, "iter_rows"):
        raise ReadError(Phrase('the sheet "{chosen}" is a chart, not a table', chosen=chosen))
    return ws


# --------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------

_LIMIT = Decimal(AMOUNT_LIMIT)
_PLAIN_DOT = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?").fullmatch
_PLAIN_COMMA = re.compile(r"[+-]?[0-9]+(?:,[0-9]+)?").fullmatch
_DIGITS = re.compile(r"[0-9]+").fullmatch
_SPACE_GROUPS = re.compile(r"[ \u00a0\u202f\u2009']+").split


def _show(text: str) -> str:
    """A value quoted for a message, shortened if long."""
    text = text if len(text) <= 40 else text[:37] + "..."
    return f'"{text}"'


def parse_amount(value: Any, decimal: str | None = None) -> Decimal:
    """Read an amount as a Decimal: '1234.50', '1 234,50', '1.234,50', '(12.50)', 2.55 ...

    ``decimal`` ('.' or ',') fixes the decimal separator for the whole column;
    without it the rules in the module docstring apply.  Raises ValueError
    with the reason for empty, non-numeric, NaN, infinite or too large values.
    """
    return _number(value, decimal)


def parse_quantity(value: Any, decimal: str | None = None) -> Decimal:
    """Read a quantity as a Decimal (negative for credit notes); same rules as :func:`parse_amount`."""
    return _number(value, decimal)


def _number(value: Any, decimal: str | None) -> Decimal:
    if isinstance(value, str):
        return _number_from_text(value, decimal)
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ValueError(Phrase("{value} is not a number", value=_show(str(value))))
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(Phrase("{value} is not a number", value=_show(str(value))))
        d = Decimal(repr(value))
    elif isinstance(value, int):
        d = Decimal(value)
    else:
        if not value.is_finite():
            raise ValueError(Phrase("{value} is not a number", value=_show(str(value))))
        d = value
    if abs(d) >= _LIMIT:
        raise ValueError(Phrase("{value} is too large (amounts must be below 10^13)", value=_show(str(value))))
    return d.copy_abs() if not d else d


@lru_cache(maxsize=1 << 16)
def _number_from_text(text: str, decimal: str | None) -> Decimal:
    if decimal not in (None, ".", ","):
        raise ValueError(Phrase('the decimal separator must be "." or ",", not {decimal}', decimal=_show(str(decimal))))
    if decimal == ",":
        d = Decimal(text.replace(",", ".")) if _PLAIN_COMMA(text) else _number_slow(text, decimal)
    else:
        d = Decimal(text) if _PLAIN_DOT(text) else _number_slow(text, decimal)
    if abs(d) >= _LIMIT:
        raise ValueError(Phrase("{value} is too large (amounts must be below 10^13)", value=_show(text.strip())))
    return d.copy_abs() if not d else d


def _number_slow(text: str, decimal: str | None) -> Decimal:
    """The general rules: the one money parser, as a file's cell is read (no currency beside it)."""
    return parse_money(text, decimal)


def detect_decimal_separator(samples: Iterable[Any]) -> str | None:
    """Guess the decimal separator of a column from sample values: '.', ',' or None (no evidence).

    Evidence: when both appear the last one is decimal; a separator that
    appears several times separates thousands; a single separator followed by
    other than exactly three digits is decimal.  The majority wins.
    """
    votes = {".": 0, ",": 0}
    for v in samples:
        if not isinstance(v, str):
            continue
        s = v.strip().lstrip("+-(\u2212").rstrip("-)")
        dots, commas = s.count("."), s.count(",")
        if dots and commas:
            votes["." if s.rfind(".") > s.rfind(",") else ","] += 1
        elif dots > 1:
            votes[","] += 1
        elif commas > 1:
            votes["."] += 1
        elif dots == 1 or commas == 1:
            sep = "." if dots else ","
            frac = s.rpartition(sep)[2]
            if _DIGITS(frac) and len(frac) != 3:
                votes[sep] += 1
            elif _SPACE_GROUPS(s)[1:]:
                votes[sep] += 1
    if votes["."] == votes[","]:
        return None
    return "." if votes["."] > votes[","] else ","


_CENT = Decimal("0.01")
_MINOR_CONTEXT = Context(prec=60)


def to_minor(amount: Decimal | int) -> int:
    """An amount in minor units (öre, cents): rounded to 2 decimals, halves away from zero."""
    if isinstance(amount, bool):
        raise ValueError(Phrase("{amount} is not an amount", amount=repr(amount)))
    if isinstance(amount, int):
        return amount * 100
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError(Phrase("{amount} is not an amount", amount=repr(amount)))
    try:
        cents = amount.quantize(_CENT, rounding=ROUND_HALF_UP, context=_MINOR_CONTEXT)
    except InvalidOperation as e:
        raise ValueError(Phrase("{amount} is too large", amount=amount)) from e
    return int(cents.scaleb(2, context=_MINOR_CONTEXT))


# --------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------

_TIME = (
    r"(?:(?:[T ]|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d{1,9})?)?"
    r"\s*([AaPp]\.?[Mm]\.?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?\s*"
)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME).fullmatch
_YMD_SLASH = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})" + _TIME).fullmatch
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})").fullmatch
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})" + _TIME).fullmatch
_SLASHED = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{4})" + _TIME).fullmatch
_SHORT_YEAR = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2}(?:\s.*)?").fullmatch
_ORDER_SAMPLE = re.compile(r"\s*(\d{1,2})[/-](\d{1,2})[/-]\d{2,4}\b").match
_MONTHS = (N_("January"), N_("February"), N_("March"), N_("April"), N_("May"), N_("June"), N_("July"),
           N_("August"), N_("September"), N_("October"), N_("November"), N_("December"))
_EXCEL_EPOCH = date(1899, 12, 30)
_FIRST_YEAR, _LAST_YEAR = 1900, 2100
_EXCEL_MAX_SERIAL = (date(_LAST_YEAR, 12, 31) - _EXCEL_EPOCH).days


def parse_date(value: Any, order: str = "dmy") -> date:
    """Read a date: '2011-12-09', '20111209', '09.12.2011', '09/12/2011', '2011-12-09 12:50', ...

    ``order`` ('dmy' or 'mdy') says how to read 'NN/NN/YYYY' (see
    :func:`detect_date_order`); the UCI Online Retail style '12/1/2010 8:26'
    needs 'mdy'.  A time after the date is checked and dropped.  XLSX cells
    may be datetime/date objects, YYYYMMDD numbers or Excel day serials.
    Raises ValueError with the reason, e.g. '"2011-02-30" is not a date
    (February 2011 has 28 days)'.
    """
    if isinstance(value, str):
        return _date_from_text(value, order)
    if value is _PHANTOM:
        raise ValueError(_PHANTOM_REASON)
    if isinstance(value, datetime):
        return _checked_year(value.date(), value.isoformat())
    if isinstance(value, date):
        return _checked_year(value, value.isoformat())
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return _date_from_number(value)
    raise ValueError(Phrase("{value} is not a date", value=_show(str(value))))


def _checked_year(d: date, shown: str) -> date:
    if not _FIRST_YEAR <= d.year <= _LAST_YEAR:
        raise ValueError(Phrase("{value} is not a date (the year must be 1900–2100)", value=_show(shown)))
    return d


def _date_from_number(value: float) -> date:
    shown = str(int(value)) if float(value).is_integer() else str(value)
    if float(value).is_integer() and 19000101 <= value <= 21001231:
        n = int(value)
        return _make_date(n // 10000, n // 100 % 100, n % 100, shown)
    if 60 <= value < 61:
        raise ValueError(_PHANTOM_REASON)
    if 1 <= value < 60:  # Excel counts a 29 February 1900 that never was: the days before it are one later
        return _EXCEL_EPOCH + timedelta(days=int(value) + 1)
    if 61 <= value <= _EXCEL_MAX_SERIAL:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    raise ValueError(Phrase("{value} is not a date", value=_show(shown)))


_PHANTOM_REASON = (f'"{_PHANTOM_SHOWN}" is not a date (there was no 29 February 1900; '
                   "type the day the cell should hold)")


@lru_cache(maxsize=1 << 16)
def _date_from_text(text: str, order: str) -> date:
    if order not in ("dmy", "mdy"):
        raise ValueError(Phrase('the date order must be "dmy" or "mdy", not {order}', order=_show(str(order))))
    s = text.strip()
    if not s:
        raise ValueError(Phrase("the date is empty"))
    m = _ISO(s) or _YMD_SLASH(s)
    if m:
        _check_time(m, 4, s)
        return _make_date(int(m[1]), int(m[2]), int(m[3]), s)
    m = _SLASHED(s)
    if m:
        _check_time(m, 5, s)
        a, b = int(m[1]), int(m[3])
        day, month = (a, b) if order == "dmy" else (b, a)
        return _make_date(int(m[4]), month, day, s, order)
    m = _DOTTED(s)
    if m:
        _check_time(m, 4, s)
        return _make_date(int(m[3]), int(m[2]), int(m[1]), s)
    m = _COMPACT(s)
    if m:
        return _make_date(int(m[1]), int(m[2]), int(m[3]), s)
    if _SHORT_YEAR(s):
        raise ValueError(Phrase("{value} is not a date (the year must have four digits)", value=_show(s)))
    raise ValueError(Phrase("{value} is not a date", value=_show(s)))


def _check_time(m: re.Match[str], first: int, shown: str) -> None:
    hour, minute, second, half = m[first], m[first + 1], m[first + 2], m[first + 3]
    if hour is None:
        return
    h, mi, se = int(hour), int(minute), int(second or 0)
    top = 12 if half else 23
    low = 1 if half else 0
    if not (low <= h <= top and mi <= 59 and se <= 59):
        raise ValueError(Phrase("{value} is not a date and time (the time is not valid)", value=_show(shown)))


def _make_date(year: int, month: int, day: int, shown: str, order: str | None = None) -> date:
    if not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise ValueError(Phrase("{value} is not a date (the year must be 1900–2100)", value=_show(shown)))
    if not 1 <= month <= 12:
        if order and day <= 12:
            if order == "dmy":
                raise ValueError(Phrase("{value} is not a date (there is no month {month}; is the file in month/day/year "
                                        "order?)", value=_show(shown), month=month))
            raise ValueError(Phrase("{value} is not a date (there is no month {month}; is the file in day/month/year "
                                    "order?)", value=_show(shown), month=month))
        raise ValueError(Phrase("{value} is not a date (there is no month {month})", value=_show(shown), month=month))
    last = monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValueError(Phrase("{value} is not a date ({month_name} {year} has {days} days)", value=_show(shown),
                                month_name=Phrase(_MONTHS[month - 1]), year=year, days=last))
    return date(year, month, day)


def detect_date_order(samples: Iterable[Any]) -> str:
    """Guess how 'NN/NN/YYYY' dates of a column are written: 'dmy' or 'mdy'.

    A first part above 12 is a vote for day first, a second part above 12 a
    vote for month first; the majority wins, and without votes (or on a tie)
    the European 'dmy' is the answer.
    """
    dmy = mdy = 0
    for v in samples:
        if not isinstance(v, str):
            continue
        m = _ORDER_SAMPLE(v)
        if not m:
            continue
        a, b = int(m[1]), int(m[2])
        if a > 12 >= b:
            dmy += 1
        elif b > 12 >= a:
            mdy += 1
    return "mdy" if mdy > dmy else "dmy"
