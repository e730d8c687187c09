"""Which customers look like one company (docs/duplicates.md).

Two customers are the same company when their org numbers are the same (digits
and letters only, so "556677-8899" is "5566778899"), or when their names are the
same without case, punctuation or legal form *and* they are in the same town
("Acme AB", Norrköping is "ACME Aktiebolag", NORRKÖPING). A name without a town
never matches on its own: two "Nilssons Bygg" in different towns are two firms.
Sameness is transitive: A and B share an org number, B and C a name and town —
all three are one group. The comparison is the one imports match with
(:mod:`segtui.domain.records`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from segtui.domain.records import city_key, name_key, org_key
from segtui.i18n import N_


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str | None
    city: str | None
    org_number: str | None


def duplicate_groups(customers: Iterable[Candidate]) -> list[list[int]]:
    """Groups of two or more customer ids that look like one company, each sorted by id,
    the groups in order of their first id."""
    people = list(customers)
    parent = {c.id: c.id for c in people}

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first: dict[tuple[str, ...], int] = {}
    for c in people:
        keys: list[tuple[str, ...]] = []
        org = org_key(c.org_number)
        if org:
            keys.append(("org", org))
        name, city = name_key(c.name), city_key(c.city)
        if name and city:
            keys.append(("name", name, city))
        for key in keys:
            if key in first:
                a, b = root(first[key]), root(c.id)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                first[key] = c.id
    groups: dict[int, list[int]] = {}
    for c in people:
        groups.setdefault(root(c.id), []).append(c.id)
    return sorted((sorted(g) for g in groups.values() if len(g) > 1), key=lambda g: g[0])


def reasons(a: Candidate, b: Candidate) -> list[str]:
    """Why two customers look alike, in words ('org number', 'name and town'; marked for the catalog,
    translated where shown)."""
    out = []
    if org_key(a.org_number) and org_key(a.org_number) == org_key(b.org_number):
        out.append(N_("org number"))
    if name_key(a.name) and city_key(a.city) and (name_key(a.name), city_key(a.city)) == (
        name_key(b.name), city_key(b.city)
    ):
        out.append(N_("name and town"))
    return out


def pairs(group: list[Candidate]) -> list[tuple[Candidate, Candidate, list[str]]]:
    """A group as pairs that are alike in themselves, with why: the first member with each
    customer it matches, then those with theirs (breadth first), so every member is in one
    pair and merging pair after pair makes the group one customer."""
    if not group:
        return []
    seen = {group[0].id}
    queue = [group[0]]
    out = []
    while queue:
        a = queue.pop(0)
        for b in group:
            if b.id in seen:
                continue
            why = reasons(a, b)
            if why:
                seen.add(b.id)
                queue.append(b)
                out.append((a, b, why))
    return out
