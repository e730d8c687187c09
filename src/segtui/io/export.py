"""Writing segments (and plans) for people and scripts: CSV, JSON, XLSX.

One exporter for every command and screen, so a column means the same
everywhere.
"""

from __future__ import annotations

import csv
import json
from typing import IO, Iterable, Sequence

SEGMENT_COLUMNS = [
    "customer", "name", "city", "owner", "revenue", "orders", "abc", "potential_class",
    "upgrade_candidate", "loyalty", "loyalty_source", "quadrant", "xyz", "group", "last_order", "flags",
]


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


def segment_values(row) -> tuple:
    """One customer's segments in SEGMENT_COLUMNS order (``row`` is a store
    CustomerSegment). Empty strings for unknowns; see :func:`segment_record`."""
    codes = _CODES or _CODES.update(_codes()) or _CODES
    s = row.segment
    return (
        row.source_id,
        row.name,
        row.city or "",
        row.owner or "",
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
    )


def segment_record(row) -> dict:
    """One customer's segments as a flat record for people and spreadsheets."""
    record = dict(zip(SEGMENT_COLUMNS, segment_values(row)))
    record["upgrade_candidate"] = row.segment.upgrade_candidate
    return record


def segment_json_record(row) -> dict:
    """A record for scripts: numbers as numbers, unknowns as null."""
    record = segment_record(row)
    record["revenue"] = float(record["revenue"]) if row.segment.revenue % 100 else row.segment.revenue // 100
    for key in ("city", "owner", "loyalty", "potential_class", "xyz", "group", "last_order", "loyalty_source"):
        if record[key] == "":
            record[key] = None
    record["flags"] = list(row.segment.flags)
    return record


def write_segments_csv(rows: Iterable, out: IO[str]) -> None:
    """``segtui segments --format csv``: a header and one line per customer."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SEGMENT_COLUMNS)
    writer.writerows(segment_values(r) for r in rows)


def write_csv(records: Iterable[dict], columns: Sequence[str], out: IO[str]) -> None:
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: ("true" if v is True else "false" if v is False else v) for k, v in record.items()})


def write_json(records: Iterable[dict], out: IO[str]) -> None:
    def clean(record: dict) -> dict:
        result = dict(record)
        for key in ("loyalty", "potential_class", "xyz", "group", "last_order", "loyalty_source"):
            if result.get(key) == "":
                result[key] = None
        return result

    json.dump([clean(r) for r in records], out, ensure_ascii=False, indent=1)
    out.write("\n")


def write_xlsx(records: Iterable[dict], columns: Sequence[str], path: str, sheet: str = "Segments") -> None:
    """An XLSX workbook with one sheet, numbers as numbers."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append(list(columns))
    numeric = {"revenue"}
    for record in records:
        worksheet.append([
            float(record[c]) if c in numeric and record[c] != "" else record[c] for c in columns
        ])
    workbook.save(path)


def money_text(minor: int) -> str:
    """Minor units for people: 1234567 → '12 346' (major units, rounded, thin-spaced)."""
    return f"{round(minor / 100):,}".replace(",", " ")


def write_segments_table(rows: Sequence, out: IO[str], as_of: str, currency: str = "SEK") -> None:
    """A readable summary: counts and revenue per quadrant, class and group, then the customers."""
    from segtui.domain.segments import GROUP_LABELS, QUADRANT_LABELS, QUADRANT_STRATEGY, Quadrant

    def section(title: str, keys: Sequence, label, pick) -> None:
        out.write(f"\n{title}\n")
        total = len(rows) or 1
        for key in keys:
            members = [r for r in rows if pick(r) == key]
            revenue = sum(r.segment.revenue for r in members)
            out.write(f"  {label(key):<18}{len(members):>7}  {len(members) * 100 / total:5.1f} %  {money_text(revenue):>16} {currency}\n")

    out.write(f"{len(rows)} customers, revenue over the window ending {as_of}\n")
    section("Quadrant", list(Quadrant), lambda q: QUADRANT_LABELS[q], lambda r: r.segment.quadrant)
    section("Revenue class", ["A", "B", "C", "D"], lambda c: c, lambda r: r.segment.revenue_class)
    section("Order frequency", ["X", "Y", "Z", None], lambda c: c or "no orders", lambda r: r.segment.xyz)
    section("Customer group", [*GROUP_LABELS, None], lambda g: GROUP_LABELS[g] if g else "no orders", lambda r: r.segment.group)
    upgrades = sum(r.segment.upgrade_candidate for r in rows)
    out.write(f"\nUpgrade candidates: {upgrades}\n")
    for quadrant in Quadrant:
        members = sorted((r for r in rows if r.segment.quadrant == quadrant), key=lambda r: -r.segment.revenue)
        out.write(f"\n{QUADRANT_LABELS[quadrant]} — {QUADRANT_STRATEGY[quadrant]}\n")
        if not members:
            out.write("  (none)\n")
        for r in members:
            s = r.segment
            loyalty = "   –" if s.loyalty is None else f"{s.loyalty * 100:3.0f}%"
            marks = (" ↑" if s.upgrade_candidate else "") + (" !" if s.flags else "")
            out.write(
                f"  {r.source_id:<10} {r.name[:34]:<34} {s.revenue_class} {s.potential_class or '-'} "
                f"{s.xyz or '-'} {money_text(s.revenue):>14} {loyalty} {GROUP_LABELS[s.group] if s.group else '':<9}{marks}\n"
            )
