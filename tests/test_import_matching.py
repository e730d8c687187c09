"""Customer files matched to the book's customers (docs/matching.md, README "Importing customers")."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import random
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segtui.cli import main
from segtui.domain.matching import Known, Matcher, Row, new_source_id, rules_for
from segtui.domain.records import company_key, org_key, same_company, same_org_number
from segtui.io.importer import NothingMatched, ReadError, choose_columns, import_customers
from segtui.store.book import open_book

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, rows: list[list[str]], name: str = "crm.csv") -> Path:
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add(book, source_id: str, name: str, city: str | None = None, org: str | None = None, crm: str | None = None):
    book.conn.execute("INSERT INTO customer (source_id, name, city, org_number, crm_id, created) "
                      "VALUES (?, ?, ?, ?, ?, '2026-01-01')", (source_id, name, city, org, crm))


# --- the must-show: a HubSpot export of three sample.db customers and one new company -----------


@pytest.fixture
def sample(tmp_path) -> Path:
    copy = tmp_path / "sample.db"
    shutil.copy(ROOT / "sample.db", copy)
    opened = open_book(copy)  # a book that was last closed with its changes in the WAL is whole now
    opened.close()
    for leftover in (tmp_path / "sample.db-wal", tmp_path / "sample.db-shm"):
        leftover.unlink(missing_ok=True)
    return copy


def three_customers(path: Path) -> list[tuple[str, str, str]]:
    """Three customers of the book that no other customer shares a name and city with."""
    opened = open_book(path)
    try:
        rows = opened.rows("SELECT source_id, name, city FROM customer WHERE city IS NOT NULL ORDER BY id")
    finally:
        opened.close()
    keys = Counter(company_key(name, city) for _, name, city in rows)
    return [r for r in rows if keys[company_key(r[1], r[2])] == 1][:3]


def test_a_hubspot_export_matches_three_sample_customers_and_adds_one(sample, tmp_path) -> None:
    (s1, n1, c1), (s2, n2, c2), (s3, n3, c3) = three_customers(sample)
    hubspot = write(tmp_path, [
        ["Record ID", "Company name", "City", "Phone Number"],
        ["9001", n1.upper(), c1.lower(), "+46 8 111 22 33"],  # other letters
        ["9002", n2.replace(" AB", " Aktiebolag"), c2, ""],  # another legal form
        ["9003", n3, f" {c3} ", "036-12 34 56"],
        ["9004", "Brand New Widgets AB", "Umeå", "+46 90 12 34 56"],
    ], "hubspot-companies.csv")
    before, count = digest(sample), open_book(sample).scalar("SELECT count(*) FROM customer")
    runner = CliRunner()
    dry = runner.invoke(main, ["import", "customers", str(sample), str(hubspot), "--dry-run", "--format", "json"])
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.stdout)
    assert (report["rows"], report["matched"], report["new"], report["skipped"]) == (4, 3, 1, 0)
    assert report["dry_run"] is True and report["skipped_rows"] == []
    assert digest(sample) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hubspot-companies.csv", "sample.db"]

    done = runner.invoke(main, ["import", "customers", str(sample), str(hubspot), "--format", "json"])
    assert done.exit_code == 0, done.output
    assert (json.loads(done.stdout)["matched"], json.loads(done.stdout)["new"]) == (3, 1)
    opened = open_book(sample)
    try:
        assert opened.scalar("SELECT count(*) FROM customer") == count + 1
        kept = dict(opened.rows("SELECT source_id, crm_id FROM customer WHERE crm_id IS NOT NULL"))
        assert kept == {s1: "9001", s2: "9002", s3: "9003", "crm:9004": "9004"}
        # matched by what they are called, the book's spelling is kept
        assert opened.rows("SELECT name, city FROM customer WHERE source_id = ?", (s1,)) == [(n1, c1)]
    finally:
        opened.close()
    again = runner.invoke(main, ["import", "customers", str(sample), str(hubspot), "--format", "json"])
    assert (json.loads(again.stdout)["matched"], json.loads(again.stdout)["new"]) == (4, 0)


def test_a_file_that_matches_no_customer_of_a_full_book_is_refused(sample, tmp_path) -> None:
    strangers = write(tmp_path, [["Record ID", "Company name", "City"], ["1", "Nobody AB", "Kiruna"],
                                 ["2", "Noone AB", "Luleå"]])
    before = digest(sample)
    result = CliRunner().invoke(main, ["import", "customers", str(sample), str(strangers)])
    assert result.exit_code == 1
    assert "none of the file's 2 rows is one of the book's" in result.stderr
    assert "--new" in result.stderr and "nothing was imported" in result.stderr
    assert digest(sample) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crm.csv", "sample.db"]  # not even a safety copy
    added = CliRunner().invoke(main, ["import", "customers", str(sample), str(strangers), "--new", "--format", "json"])
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["new"] == 2


# --- the columns ---------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["Record ID", "record id", "Id", "ID", "Account ID", "hs_object_id",
                                    "Organization - ID"])
def test_a_crms_own_record_id_is_its_crm_id_not_the_customer_id(header) -> None:
    mapping = choose_columns("customers", [header, "Company name", "City"])
    assert mapping.fields.get("crm_id") == header and "customer" not in mapping.fields


def test_the_erps_number_is_the_customer_id_and_a_map_can_say_where_the_crm_id_is() -> None:
    mapping = choose_columns("customers", ["Customer number", "Record ID", "Name"])
    assert (mapping.fields["customer"], mapping.fields["crm_id"]) == ("Customer number", "Record ID")
    mapped = choose_columns("customers", ["Kund", "HubSpot nr", "Name"], {"customer": "Kund", "crm_id": "HubSpot nr"})
    assert (mapped.fields["customer"], mapped.fields["crm_id"]) == ("Kund", "HubSpot nr")


def test_a_file_with_nothing_to_know_customers_by_is_refused(book, tmp_path) -> None:
    with pytest.raises(ReadError, match="no column to know the customers by"):
        import_customers(book, write(tmp_path, [["Phone", "Email"], ["123", "a@b.se"]]))


# --- each rule -----------------------------------------------------------------------------------


def test_the_same_company_ignores_case_legal_form_and_spacing() -> None:
    assert same_company("Acme AB", "Lund", "ACME Aktiebolag", " LUND ")
    assert same_company("Fjord A/S", "Oslo", "fjord as", "oslo")
    assert not same_company("Acme AB", "Lund", "Acme AB", "Malmö")
    assert not same_company("Acme AB", None, "Acme AB", "Lund")
    assert not same_company("", "Lund", "", "Lund")
    assert same_org_number("556677-8899", "SE556677889901") and same_org_number("5566778899", "556677 8899")
    assert not same_org_number("", "") and org_key("NO 923 609 016 MVA") == "923609016"


def test_rows_match_by_crm_id_first(book, tmp_path) -> None:
    add(book, "K1", "Acme AB", "Lund", crm="55")
    add(book, "K2", "Other AB", "Malmö")
    summary = import_customers(book, write(tmp_path, [["Record ID", "Company name", "City"],
                                                      ["55", "Renamed AB", "Malmö"]]))
    assert (summary.matched, summary.matched_by, summary.customers_new) == (1, {"crm_id": 1}, 0)
    assert book.rows("SELECT name, city FROM customer WHERE source_id = 'K1'") == [("Renamed AB", "Malmö")]


def test_rows_match_by_org_number_written_any_way(book, tmp_path) -> None:
    add(book, "K1", "Acme AB", "Lund", org="556677-8899")
    summary = import_customers(book, write(tmp_path, [["Id", "Name", "Org number", "City"],
                                                      ["x1", "Acme Sverige", "SE556677889901", "Lund"]]))
    assert (summary.matched, summary.matched_by) == (1, {"org_number": 1})
    assert book.rows("SELECT org_number, crm_id, name FROM customer") == [("556677-8899", "x1", "Acme Sverige")]


def test_rows_match_by_name_and_city_without_case_or_legal_form(book, tmp_path) -> None:
    add(book, "K1", "Acme AB", "Lund")
    add(book, "K2", "Acme AB", "Malmö")
    summary = import_customers(book, write(tmp_path, [["Company name", "City", "Industry"],
                                                      ["ACME Aktiebolag", "lund", "Steel"]]))
    assert (summary.matched, summary.matched_by, summary.customers_new) == (1, {"name_city": 1}, 0)
    assert book.rows("SELECT source_id, industry FROM customer ORDER BY id") == [("K1", "Steel"), ("K2", None)]


def test_empty_cells_never_blank_what_the_book_has(book, tmp_path) -> None:
    book.conn.execute("INSERT INTO customer (source_id, name, city, industry, owner, created) "
                      "VALUES ('K1', 'Acme AB', 'Lund', 'Steel', 'Anna', '2026-01-01')")
    import_customers(book, write(tmp_path, [["Record ID", "Company name", "City", "Industry", "Company owner"],
                                            ["7", "Acme", "Lund", "", ""]]))
    assert book.rows("SELECT name, industry, owner, crm_id FROM customer") == [("Acme AB", "Steel", "Anna", "7")]


def test_two_customers_of_one_name_and_city_are_not_guessed(book, tmp_path) -> None:
    add(book, "K1", "Acme AB", "Lund")
    add(book, "K2", "ACME", "Lund")
    add(book, "K3", "Beta AB", "Lund")
    summary = import_customers(book, write(tmp_path, [["Company name", "City", "Industry"],
                                                      ["Acme", "Lund", "Steel"], ["Beta", "Lund", "Wood"]]))
    assert (summary.matched, summary.customers_new) == (1, 0)
    assert summary.skipped_rows == [(2, "2 customers have this name and city (K1, K2) — not guessed")]
    assert "skipped line 2: 2 customers have this name and city (K1, K2)" in summary.text()
    assert book.scalar("SELECT count(*) FROM customer WHERE industry IS NOT NULL") == 1


def test_a_name_that_fits_a_customer_with_another_crm_id_is_not_guessed(book, tmp_path) -> None:
    add(book, "K1", "Acme AB", "Lund", crm="1")
    add(book, "K2", "Beta AB", "Lund")
    summary = import_customers(book, write(tmp_path, [["Record ID", "Company name", "City"],
                                                      ["2", "Acme", "Lund"], ["3", "Beta", "Lund"]]))
    assert summary.skipped_rows == [(2, "same name and city as K1, which has another CRM id (1) — not guessed")]


def test_a_forced_rule_is_the_only_one(book, tmp_path) -> None:
    add(book, "K1", "Acme AB", "Lund", org="556677-8899")
    add(book, "K2", "Beta AB", "Lund")
    path = write(tmp_path, [["Company name", "City", "Org number"], ["Acme", "Lund", ""], ["Beta", "Lund", ""]])
    by_org = import_customers(book, path, match="org_number")
    assert by_org.skipped == {"no org number": 2} and (by_org.matched, by_org.customers_new) == (0, 0)
    summary = import_customers(book, path, match="name_city")
    assert summary.matched_by == {"name_city": 2}
    with pytest.raises(NothingMatched):
        import_customers(book, write(tmp_path, [["Org number", "Company name", "City"], ["556036-0793", "Acme", "Lund"]],
                                     "orgs.csv"), match="org_number")
    with pytest.raises(ReadError, match="--match customer: the file has no column for the customer id"):
        import_customers(book, path, match="customer")


def test_a_file_with_customer_ids_matches_on_them_alone(book, tmp_path) -> None:
    add(book, "K1", "Acme AB", "Lund")
    summary = import_customers(book, write(tmp_path, [["Customer ID", "Record ID", "Name", "City"],
                                                      ["K1", "77", "Acme AB", "Lund"], ["", "78", "Beta", "Lund"],
                                                      ["K9", "79", "Acme AB", "Lund"]]))
    assert (summary.matched, summary.customers_new, summary.skipped) == (1, 1, {"no customer id": 1})
    assert book.rows("SELECT source_id, crm_id FROM customer ORDER BY id") == [("K1", "77"), ("K9", "79")]


def test_new_customers_get_stable_documented_ids() -> None:
    assert new_source_id(Row(2, crm_id="9004")) == "crm:9004"
    assert new_source_id(Row(2, org_number="556677-8899", name="Acme")) == "org:5566778899"
    assert new_source_id(Row(2, name="Acme  AB", city="Lund")) == "name:acme/lund"
    assert new_source_id(Row(2, name="Nordic Steel Oy")) == "name:nordic-steel"
    assert new_source_id(Row(2, customer="K7", crm_id="1")) == "K7"
    # an id the book has for another customer is not taken
    matcher = Matcher([Known("crm:5", crm_id=None, name="Other", city="Lund")], rules_for(None, False))
    assert matcher.match(Row(2, crm_id="5", name="Acme", city="Lund")).source_id == "crm:5~2"


def test_later_rows_of_a_new_company_join_it(book, tmp_path) -> None:
    summary = import_customers(book, write(tmp_path, [["Record ID", "Company name", "City", "Phone"],
                                                      ["5", "Acme AB", "Lund", ""],
                                                      ["", "ACME", "Lund", "+46 46 12 34 56"]]))
    assert (summary.customers_new, summary.repeated, summary.as_json()["new"]) == (1, 1, 1)


# --- customers merged into others (docs/duplicates.md) ---------------------------------------


def _id(book, source_id: str) -> int:
    return book.scalar("SELECT id FROM customer WHERE source_id = ?", (source_id,))


def test_a_merged_customer_id_in_a_customer_file_is_the_kept_customer(book, tmp_path) -> None:
    from segtui.store.duplicates import merge_customers

    add(book, "K1", "Acme AB", "Lund")
    add(book, "K2", "Acme Lund", "Lund")
    book.conn.execute("INSERT INTO contact (customer_id, name, phone, is_primary) VALUES (?, 'Eva', '046-11 22 33', 1)",
                      (_id(book, "K1"),))
    merge_customers(book, _id(book, "K1"), _id(book, "K2"), dt.date(2026, 11, 23))
    summary = import_customers(book, write(tmp_path, [["Customer ID", "Name", "City", "Industry", "Phone"],
                                                      ["K2", "Acme Lund", "Lund", "Steel", "+46 40 99 88 77"]]))
    assert (summary.matched, summary.matched_by, summary.customers_new) == (1, {"merged": 1}, 0)
    # the kept customer keeps its name and contact; the merged one's row fills what it lacked
    assert book.rows("SELECT source_id, name, industry FROM customer") == [("K1", "Acme AB", "Steel")]
    assert book.rows("SELECT name, phone FROM contact") == [("Eva", "046-11 22 33")]


def test_a_crm_file_does_not_bring_a_merged_customer_back(book, tmp_path) -> None:
    from segtui.store.duplicates import merge_customers

    hubspot = write(tmp_path, [["Record ID", "Company name", "City"], ["9004", "Acme AB", "Lund"],
                               ["9005", "Acme Sverige", "Malmö"], ["9006", "Beta AB", "Umeå"]])
    assert import_customers(book, hubspot).customers_new == 3
    # one company with two CRM records: made new from its CRM id, the id is the alias
    merge_customers(book, _id(book, "crm:9004"), _id(book, "crm:9005"), dt.date(2026, 11, 23))
    # one kept from the ERP, whose CRM id the kept customer did not take (it has one)
    add(book, "C7", "Gamma AB", "Kiruna", crm="7001")
    add(book, "C8", "Delta Norr", "Luleå", crm="7002")
    merge_customers(book, _id(book, "C7"), _id(book, "C8"), dt.date(2026, 11, 23))
    again = import_customers(book, write(tmp_path, [["Record ID", "Company name", "City"],
                                                    ["9004", "Acme AB", "Lund"], ["9005", "Acme Sverige", "Malmö"],
                                                    ["9006", "Beta AB", "Umeå"], ["7002", "Delta Norr", "Luleå"]],
                                         "again.csv"))
    assert (again.matched, again.customers_new, again.skipped) == (4, 0, {})
    assert again.matched_by == {"crm_id": 2, "merged": 2}
    assert book.rows("SELECT source_id, crm_id, name FROM customer ORDER BY id") == [
        ("crm:9004", "9004", "Acme AB"), ("crm:9006", "9006", "Beta AB"), ("C7", "7001", "Gamma AB")]
    assert "2 by the id of a customer merged into it" in again.text()


def test_a_split_merge_lets_the_file_match_both_again(book, tmp_path) -> None:
    from segtui.store.duplicates import last_merge, merge_customers, undo_merge

    add(book, "K1", "Acme AB", "Lund")
    add(book, "K2", "Acme Lund", "Lund")
    merge_customers(book, _id(book, "K1"), _id(book, "K2"), dt.date(2026, 11, 23))
    undo_merge(book, last_merge(book)[2])
    summary = import_customers(book, write(tmp_path, [["Customer ID", "Name"], ["K1", "Acme AB"], ["K2", "Acme Lund"]]))
    assert (summary.matched_by, summary.customers_new) == ({"customer": 2}, 0)


def test_a_customer_id_back_in_the_book_is_no_longer_an_alias(book, tmp_path) -> None:
    from segtui.domain.matching import Merged

    matcher = Matcher([Known("K1", name="Acme"), Known("K2", name="Acme Lund")], ("customer",),
                      [Merged("K2", None, "K1"), Merged("K3", "9", "K9")])  # K2 is back; K9 is not in the book
    assert matcher.match(Row(2, customer="K2")).source_id == "K2"
    assert matcher.match(Row(3, customer="K3")).by == "new"


# --- properties ---------------------------------------------------------------------------

FORMS = ["AB", "Aktiebolag", "ab", "AB.", "", "Oy", "AS", "Ltd"]
NAMES = st.lists(st.sampled_from(["Acme", "Nordic Steel", "Björk & Son", "Lindqvist Måleri", "Ekfrakt",
                                  "Sjöplast", "Fjord", "Tampere Teräs"]), min_size=1, max_size=6, unique=True)


def _spelled(rng: random.Random, text: str) -> str:
    return rng.choice([str.upper, str.lower, str.title, lambda s: s])(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=NAMES, seed=st.integers(0, 10_000), with_crm=st.booleans())
def test_matching_ignores_case_legal_form_and_row_order_and_a_rerun_adds_nothing(tmp_path, names, seed,
                                                                                  with_crm) -> None:
    rng = random.Random(seed)
    book = open_book(":memory:")
    try:
        cities = [rng.choice(["Lund", "Malmö", "Umeå"]) for _ in names]
        known = [n for n in names if rng.random() < 0.6] or names[:1]
        for i, name in enumerate(known):
            add(book, f"K{i}", f"{name} {rng.choice(FORMS)}".strip(), cities[names.index(name)])
        rows = [[str(100 + i) if with_crm else "", f"{_spelled(rng, n)} {_spelled(rng, rng.choice(FORMS))}".strip(),
                 _spelled(rng, cities[i])] for i, n in enumerate(names)]
        rng.shuffle(rows)
        header = ["Record ID", "Company name", "City"]
        first = import_customers(book, write(tmp_path, [header, *rows], "first.csv"), new=True)
        assert (first.matched, first.customers_new, first.skipped) == (len(known), len(names) - len(known), {})
        assert book.scalar("SELECT count(*) FROM customer") == len(names)
        rows.reverse()
        again = import_customers(book, write(tmp_path, [header, *rows], "again.csv"))
        assert (again.matched, again.customers_new, again.skipped) == (len(names), 0, {})
    finally:
        book.close()
