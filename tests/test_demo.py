"""The demo generator: deterministic, believable, every segment populated."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from segtui.domain.segments import Group, Quadrant
from segtui.store.demo import generate
from segtui.store.segments import segment_book

TODAY = dt.date(2026, 11, 23)


def dump(book) -> list:
    rows = []
    for table in ("customer", "contact", "order", "assessment", "checklist_answer", "activity", "competitor_contract"):
        rows.append(book.query(f'SELECT * FROM "{table}" ORDER BY 1, 2').__repr__())
    return [str([tuple(r) for r in book.query(f'SELECT * FROM "{t}" ORDER BY 1')]) for t in
            ("customer", "contact", "order", "assessment", "checklist_answer", "activity", "competitor_contract")]


def test_same_seed_gives_the_same_book(tmp_path: Path) -> None:
    a = generate(tmp_path / "a.db", customers=60, seed=7, today=TODAY)
    b = generate(tmp_path / "b.db", customers=60, seed=7, today=TODAY)
    c = generate(tmp_path / "c.db", customers=60, seed=8, today=TODAY)
    assert dump(a) == dump(b)
    assert dump(a) != dump(c)


def test_default_demo_populates_every_segment(tmp_path: Path) -> None:
    book = generate(tmp_path / "d.db", today=TODAY)
    rows = segment_book(book, TODAY)
    assert len(rows) == 300
    seen = lambda pick: {pick(r.segment) for r in rows}
    assert seen(lambda s: s.quadrant) == set(Quadrant)
    assert seen(lambda s: s.revenue_class) == {"A", "B", "C", "D"}
    assert {"X", "Y", "Z"} <= seen(lambda s: s.xyz)
    assert set(Group) <= seen(lambda s: s.group)
    assert any(s.segment.upgrade_candidate for s in rows)
    counts = book.counts()
    assert counts["contact"] >= 300 and counts["activity"] > 0
    assert book.scalar('SELECT count(*) FROM "order" WHERE amount < 0') > 0
    assert book.scalar("SELECT count(*) FROM competitor_contract") > 0
    assert book.scalar("SELECT count(DISTINCT customer_id) FROM assessment WHERE customer_id IN "
                       "(SELECT customer_id FROM assessment GROUP BY customer_id HAVING count(*) > 1)") > 0


def test_order_count_can_be_asked_for(tmp_path: Path) -> None:
    book = generate(tmp_path / "e.db", customers=50, orders=5000, today=TODAY)
    assert 4000 <= book.counts()["order"] <= 6500
