"""Writing segments (and plans) for people and scripts: CSV, JSON, XLSX.

One exporter for every command and screen, so a column means the same
everywhere.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from typing import IO, Iterable, Sequence

SEGMENT_COLUMNS = [
    "customer", "name", "city", "owner", "revenue", "orders", "abc", "potential_class",
    "upgrade_candidate", "loyalty", "loyalty_source", "quadrant", "xyz", "group", "last_order", "flags",
]


def major(minor: int) -> str:
    """Minor units as a plain decimal in major units: 123456 → '1234.56'."""
    return str(Decimal(minor).scaleb(-2).quantize(Decimal("0.01")))


def segment_record(row) -> dict:
    """One customer's segments as a flat record (``row`` is a store CustomerSegment)."""
    s = row.segment
    return {
        "customer": row.source_id,
        "name": row.name,
        "city": row.city or "",
        "owner": row.owner or "",
        "revenue": major(s.revenue),
        "orders": s.orders,
        "abc": s.revenue_class,
        "potential_class": s.potential_class or "",
        "upgrade_candidate": s.upgrade_candidate,
        "loyalty": "" if s.loyalty is None else round(s.loyalty, 4),
        "loyalty_source": s.loyalty_source or "",
        "quadrant": s.quadrant.value,
        "xyz": s.xyz or "",
        "group": s.group.value if s.group else "",
        "last_order": row.last_order or "",
        "flags": "; ".join(s.flags),
    }


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


def write_xlsx(
    records: Iterable[dict],
    columns: Sequence[str],
    path: str,
    sheet: str = "Segments",
    money: Sequence[str] = ("revenue",),
) -> None:
    """An XLSX workbook with one sheet: numbers as numbers, money columns (major
    units as decimal text in the records) as numbers with two decimals, empty
    values as empty cells, the header row frozen."""
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
    money_columns = set(money)
    for record in records:
        row = []
        for c in columns:
            value = record.get(c, "")
            if value == "" or value is None:
                row.append(None)
            elif c in money_columns:
                cell = WriteOnlyCell(worksheet, value=float(Decimal(str(value))))
                cell.number_format = "#,##0.00"
                row.append(cell)
            else:
                row.append(value)
        worksheet.append(row)
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


# --- the week's plan -------------------------------------------------------------------

PLAN_COLUMNS = [
    "day", "weekday", "kind", "status", "customer", "name", "city", "address", "contact", "phone", "reason", "manual",
]


def plan_record(item) -> dict:
    """One plan item (a store PlanItem) as a flat record."""
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
    }


def write_plan_csv(items: Iterable, out: IO[str]) -> None:
    write_csv((plan_record(i) for i in items), PLAN_COLUMNS, out)


def write_plan_table(items: Sequence, out: IO[str], week: str, feasibility: str | None = None) -> None:
    """The week for people: per day its visits and calls with their reasons."""
    out.write(f"Plan for {week}: {sum(i.kind == 'visit' for i in items)} visits, "
              f"{sum(i.kind == 'call' for i in items)} calls\n")
    if feasibility:
        out.write(f"{feasibility}\n")
    day = None
    for item in items:
        if item.day != day:
            day = item.day
            out.write(f"\n{day:%A} {day.isoformat()}\n")
        status = "" if item.status == "planned" else f" [{item.status}]"
        who = f" · {item.contact}" if item.contact else ""
        phone = f" {item.phone}" if item.phone and item.kind == "call" else ""
        out.write(f"  {item.kind:<5} {item.name[:32]:<32} {(item.city or '')[:14]:<14}{who}{phone}{status}\n")
        if item.reason:
            out.write(f"        {item.reason}\n")
    if not items:
        out.write("\n(nothing planned)\n")


def plan_calendar(items: Iterable, book_name: str = "segtui", stamp=None) -> bytes:
    """An iCalendar file with one all-day event per visit and call (Outlook and
    Google Calendar import it): UID, DTSTAMP, DTSTART/DTEND (DATE), SUMMARY,
    LOCATION from the customer's address and city, DESCRIPTION with the reason,
    contact and phone."""
    import datetime as dt

    from icalendar import Calendar, Event

    stamp = stamp or dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", "-//segtui//account planning//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"segtui plan · {book_name}")
    safe_book = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in book_name) or "book"
    for item in items:
        event = Event()
        event.add("uid", f"{item.day:%Y%m%d}-{item.kind}-{item.source_id}-{item.id}@{safe_book}.segtui")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + dt.timedelta(days=1))
        verb = "Visit" if item.kind == "visit" else "Call"
        event.add("summary", f"{verb}: {item.name}")
        if item.location:
            event.add("location", item.location)
        lines = [item.reason] if item.reason else []
        if item.contact or item.phone:
            lines.append(" ".join(p for p in ("Contact:", item.contact, item.phone) if p))
        lines.append(f"Customer {item.source_id}")
        event.add("description", "\n".join(lines))
        event.add("categories", [verb])
        event.add("transp", "TRANSPARENT")
        if item.status == "done":
            event.add("status", "CONFIRMED")
        elif item.status == "skipped":
            event.add("status", "CANCELLED")
        calendar.add_component(event)
    return calendar.to_ical()
