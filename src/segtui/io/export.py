"""Writing segments (and plans) for people and scripts: CSV, JSON, XLSX.

One exporter for every command and screen, so a column means the same
everywhere.
"""

from __future__ import annotations

import csv
import errno
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Iterable, Mapping, Sequence

from segtui import clock
from segtui.domain.money import money, share
from segtui.domain.settings import DEFAULT_CURRENCY, DEFAULTS
from segtui.i18n import N_, _

SEGMENT_COLUMNS = [
    "customer", "name", "city", "owner", "revenue", "orders", "abc", "potential_class",
    "upgrade_candidate", "loyalty", "loyalty_source", "quadrant", "xyz", "group", "last_order", "flags",
    "trend", "budget", "budget_source",
]
# with --compare DATE: where the customer stood on that day (docs/trends.md "Movements")
COMPARE_COLUMNS = ["quadrant_before", "abc_before"]


# --- CSV dialects: files a spreadsheet opens as it is -------------------------------------


@dataclass(frozen=True)
class Dialect:
    """How a CSV export is written (docs/exports.md). The columns, their names and the
    texts in them are the same in every dialect; only the separators, the decimal sign of
    the numbers (amounts, shares — never ids or dates) and the byte order mark change."""

    name: str
    delimiter: str
    decimal: str
    bom: bool
    lineterminator: str

    @property
    def plain(self) -> bool:
        return self.decimal == "."

    def number(self, value) -> str:
        """A number (or its plain decimal text, '1234.50') with this dialect's decimal sign."""
        text = value if isinstance(value, str) else str(value)
        return text if self.plain else text.replace(".", self.decimal)

    def writer(self, out: IO[str]):
        """A csv writer onto ``out`` in this dialect; the byte order mark is written first."""
        if self.bom:
            out.write("\ufeff")
        return csv.writer(out, delimiter=self.delimiter, lineterminator=self.lineterminator)


#: Comma-separated UTF-8 without a BOM, decimal point: what scripts read.
CSV = Dialect("csv", ",", ".", False, "\n")
#: What Excel with Swedish (or another decimal-comma) settings opens in columns, å ä ö intact:
#: UTF-8 with a BOM, ';' between fields, a decimal comma, CRLF line ends (as Excel writes).
EXCEL_SV = Dialect("excel-sv", ";", ",", True, "\r\n")
DIALECTS = {d.name: d for d in (CSV, EXCEL_SV)}
#: The dialect a language's spreadsheets expect; every other language gets plain CSV.
LANGUAGE_DIALECTS = {"sv": "excel-sv"}


def default_dialect(language: str) -> Dialect:
    """The dialect of a CSV export when none is asked for, in ``language`` ('sv', 'en')."""
    return DIALECTS[LANGUAGE_DIALECTS.get(language, "csv")]


# A spreadsheet reads a cell that starts with one of these as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset("=+-@\t\r")
_PLAIN = frozenset("0123456789 +-().")  # a number or a phone number: no formula can hide in it


def cell_text(value: str) -> str:
    """Text from the book as a spreadsheet must show it: a value that a spreadsheet would run
    as a formula gets a leading apostrophe (shown as text; OWASP's advice); numbers and phone
    numbers stay as they are."""
    if value and value.startswith(_FORMULA_START) and not _PLAIN.issuperset(value):
        return "'" + value
    return value


def major(minor: int) -> str:
    """Minor units as a plain decimal in major units: 123456 → '1234.56', -5 → '-0.05'."""
    sign = "-" if minor < 0 else ""
    whole, cents = divmod(abs(minor), 100)
    return f"{sign}{whole}.{cents:02d}"


def _codes() -> dict:
    from segtui.domain.segments import Group, Quadrant

    codes: dict = {None: ""}
    codes.update({q: q.value for q in Quadrant})
    codes.update({g: g.value for g in Group})
    return codes


_CODES: dict = {}


def segment_values(row, csv_cells: bool = True) -> tuple:
    """One customer's segments in SEGMENT_COLUMNS order (``row`` is a store
    CustomerSegment). Empty strings for unknowns; see :func:`segment_record`. With
    ``csv_cells`` the book's texts are made safe for a spreadsheet (:func:`cell_text`)."""
    codes = _CODES or _CODES.update(_codes()) or _CODES
    s = row.segment
    text = cell_text if csv_cells else str
    return (
        text(row.source_id),
        text(row.name),
        text(row.city or ""),
        text(row.owner or ""),
        major(s.revenue),
        s.orders,
        s.revenue_class,
        s.potential_class or "",
        "true" if s.upgrade_candidate else "false",
        "" if s.loyalty is None else round(s.loyalty, 4),
        s.loyalty_source or "",
        codes[s.quadrant],
        s.xyz or "",
        codes[s.group],
        row.last_order or "",
        "; ".join(s.flags),
        _trend_kind(row),
        *_budget(row.estimate),
    )


def _trend_kind(row) -> str:
    trend = row.trend
    return (trend.kind or "") if trend is not None else ""


def _budget(estimate) -> tuple[str, str]:
    """The yearly budget the rules used (major units, empty when none) and its source."""
    if estimate is None or estimate.budget_per_year is None:
        return "", ""
    return major(estimate.budget_per_year), estimate.source or ""


def segment_record(row, before=None) -> dict:
    """One customer's segments as a flat record for people and spreadsheets; with ``before``
    (the customer's store CustomerSegment on an earlier day) also COMPARE_COLUMNS."""
    record = dict(zip(SEGMENT_COLUMNS, segment_values(row, csv_cells=False)))
    record["upgrade_candidate"] = row.segment.upgrade_candidate
    if before is not None:
        record.update(zip(COMPARE_COLUMNS, _before_values(before)))
    return record


def _before_values(before) -> tuple[str, str]:
    """quadrant_before, abc_before of an earlier CustomerSegment."""
    codes = _CODES or _CODES.update(_codes()) or _CODES
    return codes[before.segment.quadrant], before.segment.revenue_class


def segment_json_record(row, before=None) -> dict:
    """A record for scripts: numbers as numbers, unknowns as null."""
    record = segment_record(row, before)
    record["revenue"] = float(record["revenue"]) if row.segment.revenue % 100 else row.segment.revenue // 100
    for key in ("city", "owner", "loyalty", "potential_class", "xyz", "group", "last_order", "loyalty_source"):
        if record[key] == "":
            record[key] = None
    record["flags"] = list(row.segment.flags)
    trend = row.trend
    record["trend"] = trend.kind if trend is not None else None
    if trend is not None:
        record["revenue_12m"] = _number(trend.revenue_12m)
        record["revenue_before_12m"] = _number(trend.revenue_before_12m)
        if trend.kind == "silent":
            record["usual_gap_days"] = trend.usual_gap_days
            record["expected_order"] = trend.expected_order.isoformat()
    budget = row.estimate.budget_per_year if row.estimate is not None else None
    record["budget"] = None if budget is None else (budget / 100 if budget % 100 else budget // 100)
    record["budget_source"] = record["budget_source"] or None
    record["budget_basis"] = row.estimate.basis if row.estimate is not None and budget is not None else None
    return record


def _number(minor: int):
    """Minor units as a JSON number in major units (whole amounts as integers)."""
    return float(major(minor)) if minor % 100 else minor // 100


#: The columns of the segments CSV that hold numbers (written with the dialect's decimal sign).
SEGMENT_NUMBERS = ("revenue", "loyalty", "budget")
_SEGMENT_NUMBER_AT = tuple(SEGMENT_COLUMNS.index(c) for c in SEGMENT_NUMBERS)


def segment_csv_values(row, dialect: Dialect = CSV) -> tuple:
    """:func:`segment_values` as a CSV line in ``dialect`` holds them (numbers with its decimal sign)."""
    values = segment_values(row)
    if dialect.plain:
        return values
    values = list(values)
    for at in _SEGMENT_NUMBER_AT:
        if values[at] != "":
            values[at] = dialect.number(values[at])
    return tuple(values)


# Lines are checked for the csv module's work a block at a time (see write_segments_csv).
_BLOCK = 256


def write_segments_csv(rows: Iterable, out: IO[str], before: dict | None = None, dialect: Dialect = CSV) -> None:
    """``segtui segments --format csv``: a header and one line per customer.

    Lines without a separator, quote or line break inside a field are formatted
    directly (what the csv module would write for :func:`segment_csv_values`, only
    faster: this is most of the command's time after the engine); the others go
    through the csv module, which quotes them. The rows are read as the tuples
    they are (store CustomerSegment holding a domain Segment), and the texts of
    the classes, of which a book has few combinations, are formatted once each.

    The lines are checked a block at a time, on the block's text (C string
    searches, no Python per line; :func:`_plain_block`); a block that may hold a
    line to quote or defuse has each of its lines checked on its own
    (:func:`_write_lines`).

    ``before`` (customer id → its CustomerSegment on an earlier day) adds COMPARE_COLUMNS;
    ``dialect`` is how the file is written (:data:`CSV`, the default, or :data:`EXCEL_SV`)."""
    writer = dialect.writer(out)
    writer.writerow(SEGMENT_COLUMNS + (COMPARE_COLUMNS if before is not None else []))
    codes = _CODES or _CODES.update(_codes()) or _CODES
    sep, plain, decimal = dialect.delimiter, dialect.plain, dialect.decimal
    cents = "%d" + decimal + "%02d"
    separators = len(SEGMENT_COLUMNS) - 1 + (len(COMPARE_COLUMNS) if before is not None else 0)
    texts: dict = {}  # the classes of a segment → their texts in the line
    block: list[str] = []  # lines, the rows they were made from, and their negative amounts
    made: list = []
    minus = 0
    line_of = block.append
    row_of = made.append
    for row in rows:
        _, source_id, name, city, owner, last_order, s, _, estimate, trend = row
        _, revenue, orders, abc, _, potential, upgrade, share, source, _, quadrant, xyz, group, flags = s
        budget = None if estimate is None else estimate.budget_per_year
        key = (abc, potential, upgrade, source, quadrant, xyz, group, flags,
               None if trend is None else trend.kind, None if budget is None else estimate.source)
        text = texts.get(key)
        if text is None:
            text = texts[key] = (
                f"{sep}{abc}{sep}{potential or ''}{sep}{'true' if upgrade else 'false'}{sep}",
                f"{sep}{source or ''}{sep}{codes[quadrant]}{sep}{xyz or ''}{sep}{codes[group]}{sep}",
                f"{sep}{'; '.join(flags)}{sep}{key[8] or ''}{sep}",
                f"{sep}{'' if budget is None else estimate.source or ''}",
            )
        if share is None:
            loyalty = ""
        elif 0.0 <= share <= 1.0:
            # round(share, 4) as text, which is the share to four places without the trailing
            # zeros (but one): formatting to four places is correctly rounded as round() is,
            # and a number of five digits at most is the shortest text of its float
            loyalty = f"{share:.4f}".rstrip("0")
            if loyalty[-1] == ".":
                loyalty += "0"
        else:
            loyalty = str(round(share, 4))
        if revenue >= 0:
            revenue_text = cents % divmod(revenue, 100)
        else:
            revenue_text = dialect.number(major(revenue))
            minus += 1
        if budget is None:
            budget_text = ""
        elif budget >= 0:
            budget_text = cents % divmod(budget, 100)
        else:
            budget_text = dialect.number(major(budget))
            minus += 1
        line = (
            f"{source_id}{sep}{name}{sep}{city or ''}{sep}{owner or ''}{sep}{revenue_text}{sep}{orders}"
            f"{text[0]}{loyalty if plain else loyalty.replace('.', decimal)}"
            f"{text[1]}{last_order or ''}{text[2]}{budget_text}{text[3]}"
        )
        if before is not None:
            line += sep + sep.join(_before_values(before[row[0]]))
        line_of(line)
        row_of(row)
        if len(block) == _BLOCK:
            _write_block(block, made, minus, out, writer, before, dialect, separators)
            block.clear()
            made.clear()
            minus = 0
    if block:
        _write_block(block, made, minus, out, writer, before, dialect, separators)


def _write_block(lines: list[str], rows: list, minus: int, out: IO[str], writer, before: dict | None,
                 dialect: Dialect, separators: int) -> None:
    """Lines of :func:`write_segments_csv` (``minus``: how many negative amounts they hold).

    Written as they are when the block's text shows that none needs the csv module: its
    separators and line breaks add up to its lines' own (a line has at least its
    ``separators``, so no line holds one more), it holds no quote, tab or carriage return,
    and no field starts like a formula (a field starts a line or follows a separator; a
    separator and a minus sign are only the negative amounts the lines were made with).
    Otherwise each line is checked on its own."""
    sep, end = dialect.delimiter, dialect.lineterminator
    text = "\n".join(lines)
    if (
        text.count(sep) == separators * len(lines) and text.count("\n") == len(lines) - 1
        and '"' not in text and "\r" not in text and "\t" not in text
        and not text.startswith(_FORMULA_START)
        and "\n=" not in text and "\n+" not in text and "\n-" not in text and "\n@" not in text
        and sep + "=" not in text and sep + "+" not in text and sep + "@" not in text
        and text.count(sep + "-") == minus
    ):
        out.write((text if end == "\n" else end.join(lines)) + end)
    else:
        _write_lines(lines, rows, out, writer, before, dialect, separators)


def _write_lines(lines: list[str], rows: list, out: IO[str], writer, before: dict | None, dialect: Dialect,
                 separators: int) -> None:
    """Lines of :func:`write_segments_csv` checked one by one: a line that needs quoting or
    holds a text that starts like a formula is written by the csv module from its row."""
    sep, end = dialect.delimiter, dialect.lineterminator
    plain: list[str] = []
    for line, row in zip(lines, rows):
        if (
            line.count(sep) == separators and '"' not in line and "\n" not in line and "\r" not in line
            and not any(t and t[0] in _FORMULA_FIRST for t in row[1:5])
        ):
            plain.append(line)
            continue
        if plain:
            out.write(end.join(plain) + end)
            plain = []
        values = segment_csv_values(row, dialect)
        writer.writerow(values if before is None else (*values, *_before_values(before[row[0]])))
    if plain:
        out.write(end.join(plain) + end)


def _cell(value, dialect: Dialect, number: bool):
    """A record's value as a CSV cell: booleans as true/false, text made safe for a spreadsheet,
    numbers (and the text of the ``number`` columns) with the dialect's decimal sign."""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, float) or (number and value not in ("", None)):
        return dialect.number(value)
    if isinstance(value, str):
        return cell_text(value)
    return value


def write_csv(
    records: Iterable[dict], columns: Sequence[str], out: IO[str], dialect: Dialect = CSV,
    numbers: Sequence[str] = (),
) -> None:
    """A header and one line per record in ``dialect``; ``numbers`` names the columns whose
    text is a decimal number (money as '1234.50'), floats are numbers wherever they are."""
    if dialect.bom:
        out.write("\ufeff")
    writer = csv.DictWriter(
        out, fieldnames=list(columns), delimiter=dialect.delimiter, lineterminator=dialect.lineterminator
    )
    writer.writeheader()
    numeric = set(numbers)
    for record in records:
        writer.writerow({k: _cell(v, dialect, k in numeric) for k, v in record.items()})


def write_json(records: Iterable[dict], out: IO[str]) -> None:
    def clean(record: dict) -> dict:
        result = dict(record)
        for key in ("loyalty", "potential_class", "xyz", "group", "last_order", "loyalty_source"):
            if result.get(key) == "":
                result[key] = None
        return result

    json.dump([clean(r) for r in records], out, ensure_ascii=False, indent=1)
    out.write("\n")


def write_xlsx(
    records: Iterable[dict],
    columns: Sequence[str],
    path: str,
    sheet: str = "Segments",
    money: Sequence[str] = ("revenue",),
    numbers: Sequence[str] = (),
    dates: Sequence[str] = (),
) -> None:
    """An XLSX workbook with one sheet: numbers as numbers, money columns (major
    units as decimal text in the records) as numbers with two decimals, the
    ``numbers`` columns (decimal text) as plain numbers, the ``dates`` columns
    (ISO text) as dates, empty values as empty cells, text never a formula, the
    header row bold and frozen."""
    import datetime as dt
    from decimal import Decimal

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for name in columns:
        cell = WriteOnlyCell(worksheet, value=name)
        cell.font = bold
        header.append(cell)
    worksheet.append(header)
    money_columns, number_columns, date_columns = set(money), set(numbers), set(dates)
    for record in records:
        row = []
        for c in columns:
            value = record.get(c, "")
            if value == "" or value is None:
                row.append(None)
            elif isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(worksheet, value=value)
                cell.data_type = "s"  # text from the book, never a live formula
                row.append(cell)
            elif c in money_columns:
                cell = WriteOnlyCell(worksheet, value=float(Decimal(str(value))))
                cell.number_format = "#,##0.00"
                row.append(cell)
            elif c in number_columns:
                row.append(float(value))
            elif c in date_columns:
                cell = WriteOnlyCell(worksheet, value=dt.date.fromisoformat(value))
                cell.number_format = "yyyy-mm-dd"
                row.append(cell)
            else:
                row.append(value)
        worksheet.append(row)
    workbook.save(path)


def write_segments_table(
    rows: Sequence,
    out: IO[str],
    as_of: str,
    currency: str = DEFAULT_CURRENCY,
    window_months: int = int(DEFAULTS["window.months"]),
    title: str | None = None,
    settings: dict | None = None,
) -> None:
    """A readable summary for people: counts and revenue per quadrant, class,
    order frequency and group, then the customers of each quadrant by revenue."""
    from segtui.domain.segments import (
        GROUP_LABELS, GROUP_STRATEGY, QUADRANT_LABELS, QUADRANT_STRATEGY, Group, Quadrant,
    )

    total = len(rows)
    revenue_all = sum(r.segment.revenue for r in rows)
    upgrades = sum(r.segment.upgrade_candidate for r in rows)
    flagged = sum(bool(r.segment.flags) for r in rows)
    heading = f"{title} · " if title else ""
    out.write(heading + _("segments as of {day} · revenue over the last {months} months, {currency}").format(
        day=as_of, months=window_months, currency=currency) + "\n")
    out.write(
        _("{total} customers · revenue {revenue} · {upgrades} upgrade candidates · {flagged} flagged").format(
            total=total, revenue=money(revenue_all, currency), upgrades=upgrades, flagged=flagged) + "\n"
    )

    def section(title: str, keys: Sequence, label, pick) -> None:
        out.write("\n" + _(title).ljust(28) + _("customers").rjust(9) + _("share").rjust(9)
                  + _("revenue").rjust(17) + "\n")
        for key in keys:
            members = [r for r in rows if pick(r) == key]
            revenue = sum(r.segment.revenue for r in members)
            part = len(members) * 100 / total if total else 0.0
            out.write(f"  {label(key):<26}{len(members):>9}{part:>7.1f} %{money(revenue):>17}\n")

    section(N_("Quadrant"), list(Quadrant), lambda q: _(QUADRANT_LABELS[q]), lambda r: r.segment.quadrant)
    class_labels = {"A": "A", "B": "B", "C": "C", "D": _("D  none or a net loss")}
    if settings and settings.get("abc.mode") == "pareto":
        a, b = float(settings["abc.pareto_a"]) * 100, float(settings["abc.pareto_b"]) * 100
        class_labels.update(A=_("A  first {a} of revenue").format(a=f"{a:g} %"), B=_("B  up to {b}").format(
            b=f"{b:g} %"), C=_("C  the rest"))
    elif settings:
        a_above, b_from = int(settings["abc.a_above"]) * 100, int(settings["abc.b_from"]) * 100
        class_labels.update(
            A=_("A  above {amount}").format(amount=money(a_above)), B=_("B  from {amount}").format(amount=money(b_from)),
            C=_("C  below {amount}").format(amount=money(b_from)),
        )
    section(N_("Revenue class"), list("ABCD"), class_labels.get, lambda r: r.segment.revenue_class)
    xyz_labels = {"X": _("X  about monthly"), "Y": _("Y  regular"), "Z": _("Z  rare"),
                  None: _("–  no order in the window")}
    section(N_("Order frequency"), ["X", "Y", "Z", None], xyz_labels.get, lambda r: r.segment.xyz)
    section(
        N_("Customer group"), [*Group, None], lambda g: _(GROUP_LABELS[g]) if g else _("–  no orders"),
        lambda r: r.segment.group,
    )

    for quadrant in Quadrant:
        members = sorted(
            (r for r in rows if r.segment.quadrant == quadrant), key=lambda r: (-r.segment.revenue, r.source_id)
        )
        out.write(f"\n{_(QUADRANT_LABELS[quadrant])} ({len(members)}) — {_(QUADRANT_STRATEGY[quadrant])}\n")
        if not members:
            out.write("  " + _("(none)") + "\n")
            continue
        out.write(
            "  " + _("customer").ljust(10) + " " + _("name").ljust(32) + " abc " + _("pot").ljust(3) + " xyz "
            + _("revenue").rjust(13) + " " + _("loyalty").rjust(7) + "  " + _("group") + "\n"
        )
        for r in members:
            s = r.segment
            loyalty = "–" if s.loyalty is None else share(s.loyalty)
            marks = (" ↑" if s.upgrade_candidate else "") + (" ! " + ", ".join(_(f) for f in s.flags) if s.flags else "")
            potential = (s.potential_class or "–") + ("~" if _estimated(r) else "")
            if r.trend is not None and r.trend.kind:
                marks += f" ↓ {_(r.trend.kind)}"
            out.write(
                f"  {r.source_id[:10]:<10} {r.name[:32]:<32} {s.revenue_class:<3} {potential:<3} "
                f"{s.xyz or '–':<3} {money(s.revenue):>13} {loyalty:>7}  "
                f"{_(GROUP_LABELS[s.group]) if s.group else '–'}{marks}\n"
            )
    out.write("\n" + _("↑ upgrade candidate (potential class above revenue class)   ! flagged   ↓ declining or silent")
              + "\n")
    estimated = sum(_estimated(r) for r in rows)
    if estimated:
        out.write(_("~ potential estimated from similar customers ({count} customers): "
                    "confirm or correct it on the customer screen (b)").format(count=estimated) + "\n")
    for g in Group:
        out.write(f"  {_(GROUP_LABELS[g])}: {_(GROUP_STRATEGY[g])}\n")


def write_movements_table(
    rows: Sequence, before: dict, out: IO[str], as_of: str, compare: str, currency: str = DEFAULT_CURRENCY,
    title: str | None = None,
) -> None:
    """``segments --compare DATE --format table``: who moved between quadrants and between
    revenue classes from ``compare`` to ``as_of`` (from × to, customers and revenue now)."""
    from segtui.domain.movements import movement_matrix, moved
    from segtui.domain.segments import QUADRANT_LABELS, Quadrant

    heading = f"{title} · " if title else ""
    out.write(heading + _("movements from {earlier} to {day} · {count} customers · revenue now, {currency}").format(
        earlier=compare, day=as_of, count=len(rows), currency=currency) + "\n")
    total = _("total")

    def matrix(name: str, keys: Sequence, label, pick) -> None:
        pairs = [(pick(before[r.id]), pick(r), r.segment.revenue) for r in rows]
        cells = movement_matrix(pairs)
        width = max(len(total), *(len(label(k)) for k in keys)) + 2
        out.write("\n" + _("{name}: {moved} of {count} customers moved (rows: on {earlier}, columns: now)").format(
            name=_(name), moved=moved(pairs), count=len(rows), earlier=compare) + "\n")
        out.write(" " * (width + 2) + "".join(f"{label(k):>18}" for k in keys) + f"{total:>18}\n")
        for a in keys:
            line = f"  {label(a):<{width}}"
            for b in keys:
                cell = cells.get((a, b))
                line += f"{cell.customers if cell else 0:>18}"
            line += f"{sum(c.customers for (x, _), c in cells.items() if x == a):>18}"
            out.write(line + "\n")
            line = " " * (width + 2)
            for b in keys:
                cell = cells.get((a, b))
                line += f"{money(cell.revenue) if cell else '–':>18}"
            line += f"{money(sum(c.revenue for (x, _), c in cells.items() if x == a)):>18}"
            out.write(line + "\n")
        out.write(f"  {total:<{width}}")
        out.write("".join(f"{sum(c.customers for (_, y), c in cells.items() if y == b):>18}" for b in keys))
        out.write(f"{len(rows):>18}\n")

    matrix(N_("Quadrant"), list(Quadrant), lambda q: _(QUADRANT_LABELS[q]), lambda r: r.segment.quadrant)
    matrix(N_("Revenue class"), list("ABCD"), str, lambda r: r.segment.revenue_class)
    movers = sorted(
        (r for r in rows if before[r.id].segment.quadrant != r.segment.quadrant),
        key=lambda r: (-r.segment.revenue, r.source_id),
    )
    if movers:
        out.write("\n" + _("Moved quadrant, by revenue now ({count})").format(count=len(movers)) + "\n")
        for r in movers[:50]:
            was = before[r.id].segment
            then, now = _(QUADRANT_LABELS[was.quadrant]), _(QUADRANT_LABELS[r.segment.quadrant])
            out.write(
                f"  {r.source_id[:10]:<10} {r.name[:32]:<32} {then:>18} → "
                f"{now:<16} {was.revenue_class}→{r.segment.revenue_class}"
                f" {money(r.segment.revenue):>13}\n"
            )
        if len(movers) > 50:
            out.write("  " + _("… and {count} more (--format csv lists every customer)").format(count=len(movers) - 50)
                      + "\n")


def _estimated(row) -> bool:
    estimate = getattr(row, "estimate", None)
    return estimate is not None and estimate.source == "estimated"


# --- the week's plan -------------------------------------------------------------------

PLAN_COLUMNS = [
    "day", "weekday", "kind", "status", "customer", "name", "city", "address", "contact", "phone", "reason", "manual",
    "stop", "lat", "lon", "km",
]


def plan_record(item, stop=None) -> dict:
    """One plan item (a store PlanItem) as a flat record; ``stop`` (domain/routes.py) is the
    visit's place in its day's route: ``stop`` 1, 2, … and ``km`` (straight kilometres, one
    decimal) from the stop before or the start; ``lat``/``lon`` where the customer is."""
    place = item.place
    return {
        "day": item.day.isoformat(),
        "weekday": f"{item.day:%a}",
        "kind": item.kind,
        "status": item.status,
        "customer": item.source_id,
        "name": item.name,
        "city": item.city or "",
        "address": item.location,
        "contact": item.contact or "",
        "phone": item.phone or "",
        "reason": item.reason,
        "manual": item.manual,
        "stop": stop.number if stop is not None else "",
        "lat": f"{place[0]:.5f}" if place else "",
        "lon": f"{place[1]:.5f}" if place else "",
        "km": f"{stop.km:.1f}" if stop is not None and stop.km is not None else "",
    }


#: The columns of the plan CSV that hold decimal numbers (written with the dialect's decimal sign).
PLAN_NUMBERS = ("lat", "lon", "km")


def write_plan_csv(items: Iterable, out: IO[str], stops: Mapping | None = None, dialect: Dialect = CSV) -> None:
    """The plan as CSV in ``dialect``; ``stops`` (item id → stop) numbers each day's visits in driving order."""
    stops = stops or {}
    write_csv((plan_record(i, stops.get(i.id)) for i in items), PLAN_COLUMNS, out, dialect, PLAN_NUMBERS)


def write_plan_xlsx(items: Iterable, path: str, stops: Mapping | None = None) -> None:
    """``plan --format xlsx``: the plan's columns, ``day`` as a date, lat, lon and km as numbers."""
    stops = stops or {}
    write_xlsx((plan_record(i, stops.get(i.id)) for i in items), PLAN_COLUMNS, path, sheet="Plan", money=(),
               numbers=PLAN_NUMBERS, dates=("day",))


def write_plan_table(items: Sequence, out: IO[str], week: str, feasibility: str | None = None,
                     days_off: Sequence = (), stops: Mapping | None = None, day_routes: Mapping | None = None) -> None:
    """The week for people: per day its visits and calls with their reasons;
    ``days_off`` ((day, why) pairs) are named under the heading. With ``stops`` (item id →
    stop) each visit shows its stop number and km from the stop before, and with ``day_routes``
    each day its km and hours (domain/routes.py)."""
    from segtui.domain.planning import say_reason
    from segtui.i18n import day as day_text
    from segtui.i18n import weekday

    stops, day_routes = stops or {}, day_routes or {}
    # English exactly as before there were catalogs; the words and days in the language in use
    out.write(_("Plan for {week}: {visits} visits, {calls} calls").format(
        week=week, visits=sum(i.kind == "visit" for i in items), calls=sum(i.kind == "call" for i in items)) + "\n")
    if feasibility:
        out.write(f"{feasibility}\n")
    if days_off:
        out.write(_("Not planned: {days}").format(days=", ".join(
            f"{weekday(d, short=True)} {day_text(d)} ({why})" for d, why in days_off)) + "\n")
    width = max(5, len(_("visit")), len(_("call")))
    day = None
    for item in items:
        if item.day != day:
            day = item.day
            route = day_routes.get(day)
            drive = ""
            if route is not None and route.stops:
                whole = round(route.minutes)
                drive = _(" · {km} km to the last visit, {hours}h{minutes:02d} with the visits and back").format(
                    km=f"{route.km:.0f}", hours=whole // 60, minutes=whole % 60)
            out.write(f"\n{weekday(day)} {day_text(day)}{drive}\n")
        status = "" if item.status == "planned" else f" [{_(item.status)}]"
        who = f" · {item.contact}" if item.contact else ""
        phone = f" {item.phone}" if item.phone and item.kind == "call" else ""
        stop = stops.get(item.id)
        number = f"{stop.number:>2}" if stop is not None and item.kind == "visit" else "  "
        leg = f" {stop.km:.0f} km" if stop is not None and stop.km else ""
        out.write(f"{number} {_(item.kind):<{width}} {item.name[:32]:<32} {(item.city or '')[:14]:<14}{leg}{who}"
                  f"{phone}{status}\n")
        if item.reason:
            out.write(f"        {say_reason(item.reason)}\n")
    if not items:
        out.write("\n" + _("(nothing planned)") + "\n")


def plan_calendar(entries: Iterable, book_name: str = "segtui", stamp=None) -> bytes:
    """An iCalendar file (Outlook and Google Calendar import it) of the week's entries
    (store/plan.py ``calendar_entries``): per plan item one event with its lasting UID and
    SEQUENCE, DTSTAMP, SUMMARY, LOCATION from the customer's address and city, DESCRIPTION with
    the reason, contact and phone. A visit with a place in its day's route has its times
    (DTSTART/DTEND, local time) in driving order; calls and visits without a time are all-day.
    Skipped and removed items are sent as CANCELLED."""
    import datetime as dt

    from icalendar import Calendar, Event

    stamp = stamp or clock.now_utc().replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", "-//segtui//account planning//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"segtui plan · {book_name}")
    for entry in entries:
        item = entry.item
        event = Event()
        event.add("uid", entry.uid)
        event.add("sequence", entry.sequence)
        event.add("dtstamp", stamp)
        if entry.start is not None:
            midnight = dt.datetime.combine(entry.day, dt.time())
            event.add("dtstart", midnight + dt.timedelta(minutes=entry.start))
            event.add("dtend", midnight + dt.timedelta(minutes=entry.end))
        else:
            event.add("dtstart", entry.day)
            event.add("dtend", entry.day + dt.timedelta(days=1))
        event.add("summary", entry.summary)
        if item is not None:
            verb = "Visit" if item.kind == "visit" else "Call"
            if item.location:
                event.add("location", item.location)
            lines = [item.reason] if item.reason else []
            if item.contact or item.phone:
                lines.append(" ".join(p for p in ("Contact:", item.contact, item.phone) if p))
            lines.append(f"Customer {item.source_id}")
            event.add("description", "\n".join(lines))
            event.add("categories", [verb])
        else:
            event.add("description", "Taken out of the plan")
        event.add("transp", "TRANSPARENT" if entry.start is None else "OPAQUE")
        if entry.cancelled:
            event.add("status", "CANCELLED")
        elif item.status == "done":
            event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


# --- a new file, written whole -----------------------------------------------------------


def write_new(path: Path, write: Callable[[Path], None]) -> None:
    """A new file at ``path``, there only when it is complete: ``write`` fills a temporary
    file beside it, which then takes the name only if no file has it — an existing file is
    never overwritten (FileExistsError, also when one appeared while writing), and a failed
    write leaves neither a half file nor the temporary one."""
    temp = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.part")
    try:
        write(temp)
        try:
            os.link(temp, path)  # fails when the name is taken: never writes over a file
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links (FAT, some network shares)
            if path.exists():
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
            os.rename(temp, path)
    finally:
        try:
            temp.unlink()
        except FileNotFoundError:
            pass


# --- the small-fry mailing list ----------------------------------------------------------

MAILING_COLUMNS = ["customer", "name", "contact", "email", "city"]


def mailing_record(recipient) -> dict:
    """One customer on the mailing list (a store Recipient) as a flat record."""
    return {
        "customer": recipient.source_id,
        "name": recipient.name,
        "contact": recipient.contact or "",
        "email": recipient.email or "",
        "city": recipient.city or "",
    }


def write_mailing_csv(recipients: Iterable, out: IO[str], dialect: Dialect = CSV) -> None:
    """A header and one line per customer (an empty e-mail where there is none)."""
    write_csv((mailing_record(r) for r in recipients), MAILING_COLUMNS, out, dialect)


def write_mailing_xlsx(recipients: Iterable, path: str) -> None:
    """``plan --mailing --format xlsx``: the mailing list's columns, all text."""
    write_xlsx((mailing_record(r) for r in recipients), MAILING_COLUMNS, path, sheet="Mailing list", money=())


def write_mailing_table(recipients: Sequence, out: IO[str], heading: str) -> None:
    """The mailing list for people under ``heading``: who, whom to write to, where."""
    out.write(f"{heading}\n")
    if not recipients:
        out.write("\n" + _("(nobody is in the Small fry quadrant)") + "\n")
        return
    no_email = _("— no e-mail")
    width = max(len(r.email or no_email) for r in recipients)  # an address is never cut
    titles = (_("customer"), _("name"), _("contact"), _("e-mail"), _("city"))
    out.write(f"\n  {titles[0]:<10} {titles[1]:<32} {titles[2]:<24} {titles[3]:<{width}}  {titles[4]}\n")
    for r in recipients:
        out.write(
            f"  {r.source_id[:10]:<10} {r.name[:32]:<32} {(r.contact or '—')[:24]:<24} "
            f"{r.email or no_email:<{width}}  {r.city or ''}\n"
        )


# --- the contacts, for a phone or another system ------------------------------------------

CONTACT_COLUMNS = ["customer", "name", "contact", "role", "phone", "email", "primary"]


def contact_record(contact) -> dict:
    """One contact (a store BookContact) as a flat record: ``name`` is the company's, as in
    every export; the phone in E.164 (``+46701234567``), read in the customer's country."""
    from segtui.domain.records import phone_e164

    return {
        "customer": contact.source_id,
        "name": contact.company,
        "contact": contact.name,
        "role": contact.role or "",
        "phone": phone_e164(contact.phone, contact.country),
        "email": contact.email or "",
        "primary": contact.primary,
    }


def write_contacts_csv(contacts: Iterable, out: IO[str], dialect: Dialect = CSV) -> None:
    """``segtui contacts --format csv``: a header and one line per contact."""
    write_csv((contact_record(c) for c in contacts), CONTACT_COLUMNS, out, dialect)


def _name_parts(name: str) -> tuple[str, str]:
    """(family, given) of a name as people write it: 'Åsa Öberg' → ('Öberg', 'Åsa');
    a one-word name is the given name."""
    words = name.split()
    if len(words) < 2:
        return "", name.strip()
    return words[-1], " ".join(words[:-1])


def contacts_vcard(contacts: Iterable) -> bytes:
    """A vCard 3.0 file (RFC 2426) a phone or an address book imports: one card per contact
    with FN and N (the name), ORG (the company), TITLE (the role), TEL in E.164 (CELL for a
    mobile number, else WORK), EMAIL, a NOTE with the customer id (and "primary contact"), and
    a UID that stays the same in every export of the book, so importing again updates the
    card instead of adding a second one. Lines end in CRLF, are folded at 75 octets, and
    commas, semicolons and line breaks in the texts are escaped (vobject writes the cards)."""
    import phonenumbers
    import vobject

    from segtui.domain.records import phone_e164

    cards = []
    for contact in contacts:
        card = vobject.vCard()
        card.add("uid").value = f"{contact.uid}@segtui"
        card.add("fn").value = contact.name
        family, given = _name_parts(contact.name)
        card.add("n").value = vobject.vcard.Name(family=family, given=given)
        card.add("org").value = [contact.company]
        if contact.role:
            card.add("title").value = contact.role
        phone = phone_e164(contact.phone, contact.country)
        if phone:
            tel = card.add("tel")
            tel.value = phone
            tel.type_param = "CELL" if _mobile(phonenumbers, phone) else "WORK"
        if contact.email:
            email = card.add("email")
            email.value = contact.email
            email.type_param = "INTERNET"
        note = f"Customer {contact.source_id}" + (" · primary contact" if contact.primary else "")
        card.add("note").value = note
        cards.append(card.serialize())
    return "".join(cards).encode("utf-8")


def _mobile(phonenumbers, e164: str) -> bool:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    kind = phonenumbers.number_type(number)
    return kind == phonenumbers.PhoneNumberType.MOBILE
