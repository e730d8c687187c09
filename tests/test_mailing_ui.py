"""The mailing list (m in the planner) and the outcome of a done visit or call (o), driven by keys."""

from __future__ import annotations

import datetime as dt

from books import add_assessment, add_contact, add_customer, add_order, add_small_fry, open_mailing_export, planner_host, settle
from textual.widgets import Input

from segtui.store import plan as plan_store
from segtui.ui.form import FormScreen
from segtui.ui.mailing import MailingScreen
from segtui.ui.planner import PlannerScreen
from segtui.ui.rows import RowList

TODAY = dt.date(2026, 11, 23)


def fill(book) -> tuple[int, int]:
    alfa = add_small_fry(book, "Alfa AB", "Oslo")
    add_contact(book, alfa, "Anna Berg", "anna@alfa.example", primary=True)
    beta = add_small_fry(book, "Beta AB", "Bergen")
    add_contact(book, beta, "Bo Ek", None, primary=True, phone="070-1")
    hunt = add_customer(book, name="Gamma AB")
    add_order(book, hunt, "2026-06-01", 2_500_000)
    add_assessment(book, hunt, "2026-05-01", budget_major=6_000_000)
    return alfa, beta


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector).render())


def mails(book) -> list[tuple]:
    return book.rows("SELECT customer_id, date FROM activity WHERE kind = 'mail' ORDER BY customer_id")


async def test_the_mailing_list_copies_marks_undoes_and_goes_back(book) -> None:
    alfa, beta = fill(book)
    app = planner_host(book, TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MailingScreen)
        rows = screen.query_one(RowList)
        assert rows.row_count == 2 and rows.has_focus
        assert [rows.row(i).plain.split()[0] for i in range(2)] == ["Alfa", "Beta"]
        assert "no e-mail" in rows.row(1).plain and "anna@alfa.example" in rows.row(0).plain
        assert "2 small-fry customers, 1 with an e-mail, 1 without" in text_of(screen, "#mailing-summary")
        assert "call every 91 days" in text_of(screen, "#mailing-summary")

        await pilot.press("c")
        assert app.clipboard == "anna@alfa.example"
        assert "1 without an e-mail left out" in text_of(screen, "#mailing-status")

        await pilot.press("d")
        await settle(pilot)
        assert mails(book) == [(alfa, "2026-11-23")]  # Beta has no e-mail: not mailed
        assert "for 1 customer " in text_of(screen, "#mailing-status")
        assert rows.row(0).plain.rstrip().endswith("2026-11-23") and rows.row(1).plain.rstrip().endswith("never")

        await pilot.press("d")  # marking again adds nothing
        await settle(pilot)
        assert mails(book) == [(alfa, "2026-11-23")]
        assert "already recorded" in text_of(screen, "#mailing-status")

        await pilot.press("ctrl+z")
        await settle(pilot)
        assert mails(book) == []
        assert "Took back" in text_of(screen, "#mailing-status")

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PlannerScreen)


async def test_export_writes_a_csv_and_never_overwrites(book, tmp_path) -> None:
    fill(book)
    taken = tmp_path / "taken.csv"
    taken.write_text("keep me", encoding="utf-8")
    app = planner_host(book, TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_mailing_export(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.query_one("#field-file", Input).value.endswith("small-fry-mailing-2026-11-23.csv")

        form.query_one("#field-file", Input).value = str(taken)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form and "already exists" in form.error_text("file")
        assert taken.read_text(encoding="utf-8") == "keep me"

        form.query_one("#field-file", Input).value = str(tmp_path / "fry")  # '.csv' is added
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MailingScreen)
        written = (tmp_path / "fry.csv").read_text(encoding="utf-8").splitlines()
        assert written == [
            "customer,name,contact,email,city",
            f"{written[1].split(',')[0]},Alfa AB,Anna Berg,anna@alfa.example,Oslo",
            f"{written[2].split(',')[0]},Beta AB,Bo Ek,,Bergen",
        ]
        assert "Exported 2 customers" in text_of(app.screen, "#mailing-status")


async def test_outcome_after_done_and_on_a_planned_item(book) -> None:
    alfa, beta = fill(book)
    first = plan_store.add_item(book, alfa, TODAY, "call")
    second = plan_store.add_item(book, beta, TODAY, "call")
    app = planner_host(book, TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.selected_item().id == first
        await pilot.press("d")
        await settle(pilot)
        assert "o adds the outcome" in text_of(screen, "#detail")

        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"Ask", "right")  # → takes the suggestion
        await pilot.pause()
        assert app.screen.query_one("#field-outcome", Input).value == "Asked for an offer"
        await pilot.press("enter", *"Prices by Friday", "enter", "enter")  # no follow-up
        await settle(pilot)
        assert isinstance(app.screen, PlannerScreen)
        done = plan_store.get_item(book, first)
        assert (done.status, done.outcome, done.note) == ("done", "Asked for an offer", "Prices by Friday")
        assert book.rows("SELECT kind, date, outcome, note FROM activity WHERE id = ?", (done.activity_id,)) == [
            ("call", "2026-11-23", "Asked for an offer", "Prices by Friday")
        ]
        assert "Outcome: Asked for an offer · Prices by Friday" in text_of(screen, "#detail")

        # o on a planned call marks it done with its outcome in one go; too long is refused first
        await pilot.press("j")
        assert screen.selected_item().id == second
        await pilot.press("o")
        await pilot.pause()
        form = app.screen
        form.query_one("#field-outcome", Input).value = "x" * 201
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form and "at most 200" in form.error_text("outcome")
        assert plan_store.get_item(book, second).status == "planned"
        form.query_one("#field-outcome", Input).value = "Not reached"
        await pilot.press("ctrl+s")
        await settle(pilot)
        item = plan_store.get_item(book, second)
        assert (item.status, item.outcome, item.note) == ("done", "Not reached", None)

        # escape leaves the outcome as it was
        await pilot.press("o")
        await pilot.pause()
        app.screen.query_one("#field-outcome", Input).value = "changed my mind"
        await pilot.press("escape")
        await settle(pilot)
        assert plan_store.get_item(book, second).outcome == "Not reached"


async def test_at_80x24_every_address_shows_whole(book) -> None:
    alfa = add_small_fry(book, "Andersson Entreprenad & Söner AB", "Göteborg")
    add_contact(book, alfa, "Kristina Lindqvist-Andersson", "kristina.lindqvist-andersson@entreprenad.example", True)
    app = planner_host(book, TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        rows = app.screen.query_one(RowList)
        line = rows.row(0).plain
        assert "kristina.lindqvist-andersson@entreprenad.example" in line
        assert len(line.rstrip()) <= rows.scrollable_content_region.width


async def test_export_writes_an_excel_workbook_when_the_name_ends_in_xlsx(book, tmp_path) -> None:
    from openpyxl import load_workbook

    fill(book)
    taken = tmp_path / "taken.xlsx"
    taken.write_bytes(b"keep me")
    app = planner_host(book, TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_mailing_export(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert "Excel" in form.query_one("#form-title").render().plain  # the prompt says how to get a workbook
        assert "ends in .xlsx: an Excel workbook" in str(form.query_one("#error-file").render())
        box = form.query_one("#field-file", Input)

        for wrong, said in ((taken, "already exists"), (tmp_path / "fry.xls", "end the name in .xlsx")):
            box.value = str(wrong)
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is form and said in form.error_text("file")
        assert taken.read_bytes() == b"keep me" and not (tmp_path / "fry.xls").exists()

        box.value = str(tmp_path / "fry.XLSX")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MailingScreen)
        assert "Exported 2 customers to an Excel workbook" in text_of(app.screen, "#mailing-status")

    sheet = load_workbook(tmp_path / "fry.XLSX").active
    assert sheet.title == "Mailing list"
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["customer", "name", "contact", "email", "city"]
    assert [r[1:] for r in rows[1:]] == [["Alfa AB", "Anna Berg", "anna@alfa.example", "Oslo"],
                                         ["Beta AB", "Bo Ek", None, "Bergen"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fry.XLSX", "taken.xlsx"]  # no temporary file left


async def test_a_file_that_appears_while_exporting_is_not_written_over(book, tmp_path, monkeypatch) -> None:
    from segtui.io import export

    fill(book)
    target = tmp_path / "late.csv"
    real = export.write_mailing_csv

    def slow(recipients, out, dialect):  # someone saves a file of that name meanwhile
        target.write_text("theirs", encoding="utf-8")
        real(recipients, out, dialect)

    monkeypatch.setattr(export, "write_mailing_csv", slow)
    app = planner_host(book, TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_mailing_export(pilot)
        app.screen.query_one("#field-file", Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert any("appeared while exporting" in n.message for n in app._notifications)
        assert "Exported" not in text_of(app.screen, "#mailing-status")
    assert target.read_text(encoding="utf-8") == "theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["late.csv"]
