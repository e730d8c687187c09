"""Which customer in the book a row of a customer file is (docs/matching.md).

A CRM export rarely carries the ERP's customer number: it has the CRM's own record id
(HubSpot "Record ID", Salesforce "Id") instead. Such a file is matched to the book's
customers one row at a time by the first rule that finds something:

1. ``crm_id``     — the CRM id the customer got from an earlier import;
2. ``org_number`` — the same organisation number, however it is written (:func:`records.org_key`);
3. ``name_city``  — the same name and city, without case or legal form (:func:`records.same_company`).

A file with a customer id column is matched on that id alone (``customer``), as before.
One rule can be forced (``--match``). A rule that finds two customers does not guess: the
row is skipped with the reason. A row that matches nothing is a new customer; its source
id is the file's customer id, else made from what identifies it (:func:`new_source_id`),
so importing the same file again finds it.

A customer merged into another (docs/duplicates.md) is never brought back: a row whose
customer id — the file's, or the one a new customer would get from it — or whose CRM id
was the merged-away customer's is the kept customer (``by == 'merged'``), as order
imports put its orders there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from segtui.domain.records import company_key, org_key

#: The rules, in the order they are tried when none is forced.
RULES = ("customer", "crm_id", "org_number", "name_city")
#: What each rule is called in a message.
RULE_WORDS = {"customer": "customer id", "crm_id": "CRM id", "org_number": "org number", "name_city": "name and city",
              "merged": "the id of a customer merged into it"}


def rules_for(forced: str | None, has_customer_column: bool) -> tuple[str, ...]:
    """The rules a file is matched with: the forced one, else the customer id when the file
    has a column for it, else CRM id, org number, name and city in that order."""
    if forced:
        if forced not in RULES:
            raise ValueError(f"there is no matching rule {forced!r} (rules: {', '.join(RULES)})")
        return (forced,)
    return ("customer",) if has_customer_column else ("crm_id", "org_number", "name_city")


@dataclass(frozen=True)
class Known:
    """A customer the book has, as far as matching is concerned."""

    source_id: str
    crm_id: str | None = None
    org_number: str | None = None
    name: str | None = None
    city: str | None = None


@dataclass(frozen=True)
class Merged:
    """A customer merged into another: its customer id and CRM id, and the kept customer's id."""

    source_id: str
    crm_id: str | None
    kept: str


@dataclass(frozen=True)
class Row:
    """What one row of the file says about who it is (empty text: the file does not say)."""

    line: int
    customer: str = ""
    crm_id: str = ""
    org_number: str = ""
    name: str = ""
    city: str = ""


@dataclass(frozen=True)
class Match:
    """Where a row goes: an existing customer (``existing``), a new one (``by == 'new'``), a new
    one an earlier row of the file made already (``by == 'repeat'``), or nowhere (``source_id``
    None, with the ``reason``)."""

    line: int
    source_id: str | None
    by: str | None
    existing: bool = False
    reason: str | None = None
    merged: str | None = None  # by == 'merged': the customer id of the customer merged into this one


def _key(row: Row | Known, rule: str) -> object:
    if rule == "customer":
        return getattr(row, "customer", None) or getattr(row, "source_id", "")
    if rule == "crm_id":
        return (row.crm_id or "").strip()
    if rule == "org_number":
        return org_key(row.org_number)
    name, city = company_key(row.name, row.city)
    return (name, city) if name else ""


def new_source_id(row: Row) -> str:
    """The source id of a new customer from a file without one: ``crm:`` + its CRM id, else
    ``org:`` + its org number's digits, else ``name:`` + its compared name and city
    ('Acme AB', 'Lund' → ``name:acme/lund``). The same row always gives the same id."""
    if row.customer:
        return row.customer
    if row.crm_id.strip():
        return f"crm:{row.crm_id.strip()}"
    org = org_key(row.org_number)
    if org:
        return f"org:{org}"
    name, city = company_key(row.name, row.city)
    name, city = re.sub(r"\s+", "-", name), re.sub(r"\s+", "-", city)
    return f"name:{name}/{city}" if city else f"name:{name}"


def _why_not(rules: tuple[str, ...]) -> str:
    if rules == ("customer",):
        return "no customer id"
    if len(rules) == 1:
        return {"crm_id": "no CRM id", "org_number": "no org number", "name_city": "no name"}[rules[0]]
    return "no CRM id, org number or name to match on"


@dataclass
class Matcher:
    """Matches rows to the book's customers (:meth:`match`), one after another: a new
    customer an earlier row made is found by the later rows of the same company."""

    known: Iterable[Known]
    rules: tuple[str, ...]
    merged: Iterable[Merged] = ()
    _index: dict[str, dict[object, list[str]]] = field(init=False)
    _crm: dict[str, str] = field(init=False)  # source id → its CRM id
    _book: set[str] = field(init=False)
    _taken: set[str] = field(init=False)
    _alias: dict[str, str] = field(init=False)  # a merged-away customer id → the kept customer's
    _alias_crm: dict[str, tuple[str, str]] = field(init=False)  # its CRM id → (its customer id, the kept one's)

    def __post_init__(self) -> None:
        self._index = {rule: {} for rule in RULES}
        self._crm = {}
        self._book = set()
        self._taken = set()
        for customer in self.known:
            self._book.add(customer.source_id)
            self._add(customer.source_id, customer)
        self._alias, self._alias_crm = {}, {}
        for gone in self.merged:
            if gone.kept not in self._book or gone.source_id in self._book:
                continue
            self._alias[gone.source_id] = gone.kept
            crm = (gone.crm_id or "").strip()
            if crm:
                self._alias_crm.setdefault(crm, (gone.source_id, gone.kept))

    @property
    def customers(self) -> int:
        """How many customers the book has."""
        return len(self._book)

    def crm_id_of(self, source_id: str) -> str | None:
        """The CRM id the book (or an earlier row of the file) gave this customer."""
        return self._crm.get(source_id)

    def _merged_into(self, row: Row) -> tuple[str, str] | None:
        """(the merged-away customer id, the kept one's) when the row is a customer merged into another."""
        if not self._alias:
            return None
        said = row.crm_id.strip() or org_key(row.org_number) or row.name.strip()
        own = row.customer or ("" if self.rules == ("customer",) or not said else new_source_id(row))
        if own and own in self._alias:
            return own, self._alias[own]
        crm = row.crm_id.strip()
        if crm and "crm_id" in self.rules and crm not in self._index["crm_id"] and crm in self._alias_crm:
            return self._alias_crm[crm]
        return None

    def _add(self, source_id: str, who: Row | Known) -> None:
        self._taken.add(source_id)
        for rule in RULES:
            key = source_id if rule == "customer" else _key(who, rule)
            if key:
                found = self._index[rule].setdefault(key, [])
                if source_id not in found:
                    found.append(source_id)
        if who.crm_id and source_id not in self._crm:
            self._crm[source_id] = who.crm_id.strip()

    def match(self, row: Row) -> Match:
        merged = self._merged_into(row)
        if merged is not None:
            gone, kept = merged
            self._add(kept, row)
            return Match(row.line, kept, "merged", existing=True, merged=gone)
        keyed = False
        for rule in self.rules:
            key = _key(row, rule)
            if not key:
                continue
            keyed = True
            found = self._index[rule].get(key, [])
            if len(found) > 1:
                listed = ", ".join(found[:5])
                return Match(row.line, None, None, reason=f"{len(found)} customers have this {RULE_WORDS[rule]} "
                                                          f"({listed}) — not guessed")
            if not found:
                continue
            source_id = found[0]
            theirs, ours = self._crm.get(source_id), row.crm_id.strip()
            if rule != "customer" and ours and theirs and ours != theirs:
                return Match(row.line, None, None, reason=f"same {RULE_WORDS[rule]} as {source_id}, which has "
                                                          f"another CRM id ({theirs}) — not guessed")
            self._add(source_id, row)
            existing = source_id in self._book
            return Match(row.line, source_id, rule if existing else "repeat", existing=existing)
        if not keyed:
            return Match(row.line, None, None, reason=_why_not(self.rules))
        source_id = base = new_source_id(row)
        if row.customer and row.customer in self._taken:  # only when another rule is forced
            return Match(row.line, None, None, reason=f"customer id {row.customer} is another customer's in the "
                                                      f"book (its {RULE_WORDS[self.rules[0]]} differs) — not guessed")
        n = 1
        while source_id in self._taken:  # an id the book (or this file) has for another customer
            n += 1
            source_id = f"{base}~{n}"
        self._add(source_id, row)
        return Match(row.line, source_id, "new")
