"""Exports of the segments: CSV for scripts and XLSX for people, from one exporter."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from books import add_customer, add_order
from segtui.cli import main
from segtui.io import export
from segtui.store.book import open_book


def make_book(path: Path) -> Path:
    book = open_book(path)
    big = add_customer(book, "K1", "Acme AB", city="Malmö")
    add_order(book, big, "2026-03-01", 1_500_000.25, ref="1")
    add_order(book, big, "2026-04-01", -0.5, ref="2")
    add_customer(book, "K2", "Nobody AB")
    book.close()
    return path


def test_segments_as_xlsx_have_numbers_as_numbers(tmp_path) -> None:
    book = make_book(tmp_path / "b.db")
    out = tmp_path / "segments.xlsx"
    result = CliRunner().invoke(main, ["segments", str(book), "--as-of", "2026-11-23", "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote 2 customers" in result.stderr
    sheet = load_workbook(out).active
    assert sheet.title == "Segments"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == export.SEGMENT_COLUMNS
    record = dict(zip(rows[0], rows[1]))
    assert (record["customer"], record["name"], record["city"]) == ("K1", "Acme AB", "Malmö")
    assert record["revenue"] == 1_499_999.75 and record["orders"] == 1 and record["abc"] == "B"
    assert record["upgrade_candidate"] is False
    assert record["loyalty"] is None and record["group"] == "one_off"
    nobody = dict(zip(rows[0], rows[2]))
    assert (nobody["revenue"], nobody["abc"], nobody["xyz"], nobody["group"]) == (0, "D", None, None)
    assert sheet.freeze_panes == "A2"


def test_xlsx_and_csv_say_the_same(tmp_path) -> None:
    book = make_book(tmp_path / "b.db")
    runner = CliRunner()
    runner.invoke(main, ["segments", str(book), "--as-of", "2026-11-23", "--format", "xlsx", "-o", str(tmp_path / "s.xlsx")])
    text = runner.invoke(main, ["segments", str(book), "--as-of", "2026-11-23", "--format", "csv"]).stdout
    from_csv = list(csv.DictReader(io.StringIO(text)))
    rows = list(load_workbook(tmp_path / "s.xlsx").active.iter_rows(values_only=True))
    for line, values in zip(from_csv, rows[1:]):
        cells = dict(zip(rows[0], values))
        assert line["customer"] == cells["customer"] and line["abc"] == cells["abc"]
        assert float(line["revenue"]) == cells["revenue"]


def test_xlsx_needs_an_output_file(tmp_path) -> None:
    book = make_book(tmp_path / "b.db")
    result = CliRunner().invoke(main, ["segments", str(book), "--format", "xlsx"])
    assert result.exit_code == 2
    assert "--format xlsx needs --output FILE.xlsx" in result.output


def test_the_exporter_writes_any_records_for_other_commands(tmp_path) -> None:
    path = tmp_path / "plan.xlsx"
    records = [{"day": "2026-11-23", "customer": "K1", "kind": "visit", "value": "12.50"}, {"day": "2026-11-24"}]
    export.write_xlsx(records, ["day", "customer", "kind", "value"], str(path), sheet="Plan", money=("value",))
    rows = list(load_workbook(path)["Plan"].iter_rows(values_only=True))
    assert rows == [("day", "customer", "kind", "value"), ("2026-11-23", "K1", "visit", 12.5), ("2026-11-24", None, None, None)]


def test_segments_csv_lines_are_what_the_csv_module_writes() -> None:
    """The CSV writer formats plain lines itself: every kind of value (negative and
    zero revenue, loyalty fractions, unknowns, flags, names with commas, semicolons,
    quotes, line breaks) comes out exactly as csv.writer writes segment_values, in
    both dialects."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from segtui.domain.segments import Group, Quadrant, Segment
    from segtui.store.segments import CustomerSegment

    text = st.text(alphabet=st.sampled_from(list('ab ,"\n\rÅ;-')), max_size=6)
    segments = st.builds(
        Segment,
        customer_id=st.integers(1, 10),
        revenue=st.integers(-10**12, 10**12) | st.sampled_from([0, -1, 1, 99, 100, -100]),
        orders=st.integers(0, 500),
        revenue_class=st.sampled_from("ABCD"),
        negative_revenue=st.booleans(),
        potential_class=st.none() | st.sampled_from("ABCD"),
        upgrade_candidate=st.booleans(),
        loyalty=st.none() | st.floats(0, 1) | st.sampled_from([0.0, 1.0, 1 / 3, 0.123456789]),
        loyalty_source=st.sampled_from([None, "computed", "entered"]),
        budget_looks_stale=st.booleans(),
        quadrant=st.sampled_from(list(Quadrant)),
        xyz=st.sampled_from([None, "X", "Y", "Z"]),
        group=st.none() | st.sampled_from(list(Group)),
        flags=st.lists(st.sampled_from(["negative net revenue", "budget looks stale"]), max_size=2).map(tuple),
    )
    customers = st.builds(
        CustomerSegment,
        id=st.integers(1, 10),
        source_id=text.filter(bool),
        name=text,
        city=st.none() | text,
        owner=st.none() | text,
        last_order=st.none() | st.just("2026-11-02"),
        segment=segments,
    )

    @settings(max_examples=100, deadline=None)
    @given(rows=st.lists(customers, max_size=6))
    def check(rows) -> None:
        expected = io.StringIO()
        writer = csv.writer(expected, lineterminator="\n")
        writer.writerow(export.SEGMENT_COLUMNS)
        writer.writerows(export.segment_values(r) for r in rows)
        got = io.StringIO()
        export.write_segments_csv(rows, got)
        assert got.getvalue() == expected.getvalue()
        # in excel-sv: a BOM, ';', CRLF, and the numbers with a decimal comma
        expected = io.StringIO("\ufeff")
        expected.seek(1)
        writer = csv.writer(expected, delimiter=";", lineterminator="\r\n")
        writer.writerow(export.SEGMENT_COLUMNS)
        writer.writerows(export.segment_csv_values(r, export.EXCEL_SV) for r in rows)
        got = io.StringIO()
        export.write_segments_csv(rows, got, dialect=export.EXCEL_SV)
        assert got.getvalue() == expected.getvalue()

    check()
