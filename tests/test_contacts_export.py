"""`segtui contacts`: the book's contacts as CSV for a spreadsheet and as vCards for a phone
(docs/exports.md "Contacts")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import vobject
from books import add_contact, add_customer
from click.testing import CliRunner

from segtui.cli import main
from segtui.io import export
from segtui.store.book import open_book
from segtui.store.records import book_contacts

SAMPLE = Path(__file__).resolve().parent.parent / "sample.db"


def tiny(book) -> dict[str, int]:
    """Three customers: a Swedish one with two contacts (a name with å ä ö, a role a comma or a
    formula would break), a Danish one, an archived one whose contact stays out of the export."""
    norr = add_customer(book, "1001", "Norrköping Verktyg AB", city="Norrköping", owner="Åsa Öberg")
    dansk = add_customer(book, "2001", "Lind Møbler A/S", city="Odense", owner="Per Holm")
    gone = add_customer(book, "3001", "Stängt AB", owner="Åsa Öberg")
    with book.transaction() as conn:
        conn.execute("UPDATE customer SET country = 'DK' WHERE id = ?", (dansk,))
        conn.execute("UPDATE customer SET archived = 1 WHERE id = ?", (gone,))
    ids = {
        "asa": add_contact(book, norr, "Åsa Öberg", "asa@norrverktyg.example", primary=True, phone="070-123 45 67"),
        "bo": add_contact(book, norr, "Bo Ek", None, phone="011-23 45 67"),
        "ole": add_contact(book, dansk, "Ole Karlsson", "ole@lind.example", primary=True, phone="46 83 59 36"),
        "gone": add_contact(book, gone, "Nils Stängd", "nils@stangt.example", primary=True),
    }
    with book.transaction() as conn:
        conn.execute("UPDATE contact SET role = 'Inköp, norr; väst' WHERE id = ?", (ids["asa"],))
        conn.execute("UPDATE contact SET role = '=HYPERLINK(\"http://x\")' WHERE id = ?", (ids["bo"],))
    return ids


@pytest.fixture
def book():
    opened = open_book(":memory:")
    tiny(opened)
    yield opened
    opened.close()


def csv_text(contacts, dialect=export.CSV) -> bytes:
    import io

    out = io.StringIO(newline="")
    export.write_contacts_csv(contacts, out, dialect)
    return out.getvalue().encode("utf-8")


def test_the_csv_is_exact_bytes(book) -> None:
    assert csv_text(book_contacts(book)) == (
        "customer,name,contact,role,phone,email,primary\n"
        "2001,Lind Møbler A/S,Ole Karlsson,,+4546835936,ole@lind.example,true\n"
        '1001,Norrköping Verktyg AB,Åsa Öberg,"Inköp, norr; väst",+46701234567,asa@norrverktyg.example,true\n'
        '1001,Norrköping Verktyg AB,Bo Ek,"\'=HYPERLINK(""http://x"")",+4611234567,,false\n'
    ).encode("utf-8")


def test_the_excel_sv_csv_is_exact_bytes(book) -> None:
    assert csv_text(book_contacts(book), export.EXCEL_SV) == (
        "\ufeffcustomer;name;contact;role;phone;email;primary\r\n"
        "2001;Lind Møbler A/S;Ole Karlsson;;+4546835936;ole@lind.example;true\r\n"
        '1001;Norrköping Verktyg AB;Åsa Öberg;"Inköp, norr; väst";+46701234567;asa@norrverktyg.example;true\r\n'
        '1001;Norrköping Verktyg AB;Bo Ek;"\'=HYPERLINK(""http://x"")";+4611234567;;false\r\n'
    ).encode("utf-8")


def test_only_the_reps_own_customers_with_owner(book) -> None:
    assert [c.name for c in book_contacts(book, "åsa  öberg")] == ["Åsa Öberg", "Bo Ek"]
    assert [c.name for c in book_contacts(book, "Per Holm")] == ["Ole Karlsson"]
    assert len(book_contacts(book, "")) == len(book_contacts(book)) == 3


def cards(data: bytes) -> list:
    return list(vobject.readComponents(data.decode("utf-8")))


def test_the_vcards_parse_back_one_per_contact(book) -> None:
    data = export.contacts_vcard(book_contacts(book))
    parsed = cards(data)
    assert len(parsed) == 3
    by_name = {c.fn.value: c for c in parsed}
    assert set(by_name) == {"Åsa Öberg", "Bo Ek", "Ole Karlsson"}
    asa = by_name["Åsa Öberg"]
    assert asa.version.value == "3.0"
    assert (asa.n.value.family, asa.n.value.given) == ("Öberg", "Åsa")
    assert asa.org.value == ["Norrköping Verktyg AB"]
    assert asa.title.value == "Inköp, norr; väst"  # escaped on the way out, whole on the way back
    assert asa.tel.value == "+46701234567" and asa.tel.params["TYPE"] == ["CELL"]
    assert asa.email.value == "asa@norrverktyg.example"
    assert asa.note.value == "Customer 1001 · primary contact"
    assert by_name["Ole Karlsson"].tel.value == "+4546835936"  # read in the customer's country, Denmark
    assert by_name["Bo Ek"].tel.params["TYPE"] == ["WORK"] and not hasattr(by_name["Bo Ek"], "email")
    assert by_name["Bo Ek"].note.value == "Customer 1001"
    assert len({c.uid.value for c in parsed}) == 3


def test_vcard_lines_end_in_crlf_and_long_ones_are_folded(book) -> None:
    with book.transaction() as conn:
        conn.execute("UPDATE customer SET name = ? WHERE source_id = '1001'", (("Åkerströms Öländska " * 6).strip(),))
    data = export.contacts_vcard(book_contacts(book))
    assert data.endswith(b"END:VCARD\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    assert {c.org.value[0] for c in cards(data)} >= {("Åkerströms Öländska " * 6).strip()}


def test_a_card_keeps_its_uid_in_every_export(book) -> None:
    first = {c.fn.value: c.uid.value for c in cards(export.contacts_vcard(book_contacts(book)))}
    with book.transaction() as conn:
        conn.execute("UPDATE contact SET phone = '+46709999999' WHERE name = 'Åsa Öberg'")
    again = {c.fn.value: c.uid.value for c in cards(export.contacts_vcard(book_contacts(book)))}
    assert first == again
    stored = dict(book.rows("SELECT name, uid FROM contact WHERE name != 'Nils Stängd'"))
    assert {k: f"{v}@segtui" for k, v in stored.items()} == first


def test_a_contact_given_its_uid_by_the_export_is_sent_at_the_next_sync(book) -> None:
    with book.transaction() as conn:
        conn.execute("UPDATE contact SET uid = NULL")
        conn.execute("INSERT INTO team_state (key, value) VALUES ('book', 'b1')")  # a book that has synced
    book_contacts(book)
    assert book.scalar("SELECT count(*) FROM contact WHERE uid IS NULL") == 0
    logged = {r[0] for r in book.rows("SELECT uid FROM team_change WHERE tbl = 'contact'")}
    assert logged == {r[0] for r in book.rows("SELECT uid FROM contact")}


def test_a_read_only_book_exports_the_same_uids_each_time(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    writable = open_book(path)
    tiny(writable)
    with writable.transaction() as conn:
        conn.execute("UPDATE contact SET uid = NULL")
    writable.close()
    path.chmod(0o444)
    try:
        runs = []
        for _ in range(2):
            opened = open_book(path)
            assert opened.readonly
            runs.append([c.uid for c in book_contacts(opened)])
            opened.close()
    finally:
        path.chmod(0o644)
    assert runs[0] == runs[1] and len(set(runs[0])) == 3


def test_the_command_writes_a_file_a_phone_imports(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    opened = open_book(path)
    tiny(opened)
    opened.close()
    target = tmp_path / "kontakter.vcf"
    result = CliRunner().invoke(main, ["contacts", str(path), "--format", "vcf", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Wrote 3 contacts to" in result.stderr
    assert [c.fn.value for c in cards(target.read_bytes())] == ["Ole Karlsson", "Åsa Öberg", "Bo Ek"]
    mine = CliRunner().invoke(main, ["contacts", str(path), "--owner", "Åsa Öberg"])
    assert mine.exit_code == 0 and mine.stdout.count("\n") == 3
    assert CliRunner().invoke(main, ["settings", str(path), "plan.owner", "Per Holm"]).exit_code == 0
    own = CliRunner().invoke(main, ["contacts", str(path), "--dialect", "csv"]).stdout
    assert own.splitlines()[1:] == ["2001,Lind Møbler A/S,Ole Karlsson,,+4546835936,ole@lind.example,true"]
    everyone = CliRunner().invoke(main, ["contacts", str(path), "--dialect", "csv", "--owner", ""]).stdout
    assert everyone.count("\n") == 4


def test_a_dialect_is_for_the_csv_only(tmp_path: Path) -> None:
    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    result = CliRunner().invoke(main, ["contacts", str(book), "--format", "vcf", "--dialect", "excel-sv"])
    assert result.exit_code == 2 and "--dialect is for --format csv, not vcf" in result.output


def test_every_sample_contact_is_a_card(tmp_path: Path) -> None:
    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    result = CliRunner().invoke(main, ["contacts", str(book), "--format", "vcf", "--owner", ""])
    assert result.exit_code == 0
    parsed = cards(result.stdout_bytes)
    opened = open_book(book)
    expected = opened.scalar("SELECT count(*) FROM contact k JOIN customer c ON c.id = k.customer_id "
                             "WHERE c.archived = 0")
    opened.close()
    assert len(parsed) == expected > 0
    assert all(c.tel.value.startswith("+") for c in parsed if hasattr(c, "tel"))
