"""Where the book's customers are (docs/routes.md): the ``place`` table.

A customer's place comes from the customer import (``lat``/``lon``), from the rep (typed on
the customer screen: a town or ``lat,lon``), or from its town through the offline gazetteer
(io/places.py). Towns are looked up when a place is first asked for, and again when the
customer's town or country changes; a town the gazetteer does not know is remembered as
'none' so it is not looked up on every plan.
"""

from __future__ import annotations

from segtui.domain.routes import Place
from segtui.io import places as gazetteer
from segtui.store.book import Book

SOURCES = ("imported", "typed", "town")


def _looked_up(city: str | None, country: str | None) -> str:
    return f"{(city or '').strip()}|{(country or '').strip()}"


# customers whose place should come from their town and was not yet found from the town they have now
_STALE = """
    SELECT c.id, c.city, c.country FROM customer c LEFT JOIN place p ON p.customer_id = c.id
    WHERE trim(coalesce(c.city, '')) != ''
      AND (p.customer_id IS NULL
           OR (p.source IN ('town', 'none')
               AND p.looked_up IS NOT (trim(c.city) || '|' || trim(coalesce(c.country, '')))))
"""


def _lookups(book: Book, customer_id: int | None = None) -> list[tuple[int, float | None, float | None, str, str]]:
    """The towns to look up again (all of them, or only ``customer_id``'s), looked up."""
    rows = []
    stale = book.rows(_STALE) if customer_id is None else book.rows(_STALE + " AND c.id = ?", (customer_id,))
    for cid, city, country in stale:
        try:
            found = gazetteer.locate(city, country)
        except ValueError:
            found = None
        rows.append((cid, *(found or (None, None)), "town" if found else "none", _looked_up(city, country)))
    return rows


def fill(book: Book, customer_id: int | None = None) -> int:
    """Look up the towns of the customers (or of ``customer_id`` only) that have no place from
    their current town yet, and keep what was found (nothing on a read-only book). Returns how
    many were looked up."""
    if book.readonly:
        return 0
    rows = _lookups(book, customer_id)
    if rows:
        with book.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO place (customer_id, lat, lon, source, looked_up) VALUES (?, ?, ?, ?, ?)", rows)
    return len(rows)


def all_places(book: Book) -> dict[int, Place]:
    """Every located customer's place, towns looked up first where needed (on a read-only
    book they are looked up without being kept)."""
    fresh = _lookups(book) if book.readonly else None
    if not book.readonly:
        fill(book)
    # customers of one town share its place: one tuple for all of them (a book of 20,000 customers
    # has a few hundred towns; the planner compares places and keeps them with every customer)
    # (built column by column: each pass in C)
    shared: dict[Place, Place] = {}
    rows = book.rows("SELECT customer_id, lat, lon FROM place WHERE lat IS NOT NULL")
    found: dict[int, Place] = {}
    if rows:
        ids, lats, lons = zip(*rows)
        spots = list(zip(lats, lons))
        found = dict(zip(ids, map(shared.setdefault, spots, spots)))
    for cid, lat, lon, _source, _town in fresh or ():
        if lat is not None:
            found[cid] = (lat, lon)
        else:
            found.pop(cid, None)
    return found


def place_of(book: Book, customer_id: int) -> tuple[Place | None, str | None]:
    """The customer's place and where it came from ('imported', 'typed', 'town'), or
    (None, None): not located."""
    if not book.readonly:
        fill(book, customer_id)
    row = book.query("SELECT lat, lon, source FROM place WHERE customer_id = ?", (customer_id,))
    if row and row[0][0] is not None and row[0][2] in SOURCES:
        return (row[0][0], row[0][1]), row[0][2]
    if book.readonly:
        city = book.query("SELECT city, country FROM customer WHERE id = ?", (customer_id,))
        if city:
            found = gazetteer.locate(city[0][0], city[0][1]) if city[0][0] else None
            return (found, "town") if found else (None, None)
    return None, None


def set_place(book: Book, customer_id: int, text: str) -> Place | None:
    """The rep types where the customer is: a town (of the customer's country), a postcode and
    town, or ``lat,lon``; empty text goes back to the customer's town. ValueError says why a
    text is not a place."""
    text = " ".join((text or "").split())
    if not text:
        with book.transaction() as conn:
            conn.execute("DELETE FROM place WHERE customer_id = ?", (customer_id,))
        return place_of(book, customer_id)[0]
    country = book.scalar("SELECT country FROM customer WHERE id = ?", (customer_id,))
    found = gazetteer.locate(text, country)
    if found is None:
        raise ValueError(f"{text!r} is not a town the map knows: type the nearest bigger town, or lat,lon")
    with book.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO place (customer_id, lat, lon, source, looked_up) "
                     "VALUES (?, ?, ?, 'typed', NULL)", (customer_id, *found))
    return found


def resolve(book: Book, text: str) -> Place | None:
    """Where ``route.start`` is: ``lat,lon``; else a town where the book has located customers
    (their place: the map agrees with the book); else the town from the gazetteer, in the
    country of the book's calendar. None: empty or unknown."""
    text = " ".join((text or "").split())
    if not text:
        return None
    try:
        found = gazetteer.parse_coordinates(text)
    except ValueError:
        return None
    if found is not None:
        return found
    town = gazetteer.town_of(text)
    row = book.query(
        "SELECT p.lat, p.lon FROM customer c JOIN place p ON p.customer_id = c.id "
        "WHERE p.source = 'town' AND p.lat IS NOT NULL AND lower(trim(c.city)) = lower(?) LIMIT 1", (town,))
    if row:
        return (row[0][0], row[0][1])
    country = book.scalar("SELECT value FROM setting WHERE key = 'calendar.country'")
    try:
        return gazetteer.locate(text, country or None) or gazetteer.locate(text)
    except ValueError:
        return None
