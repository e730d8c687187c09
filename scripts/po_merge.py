"""Resolve a merge conflict in the Swedish catalog (or any catalog) by taking both sides' translations.

Two branches that each translate their own screens both change ``segtui.po`` and its compiled ``.mo``,
and git cannot merge those by lines. During such a merge run, from the repository's root::

    python scripts/po_merge.py          # every conflicted catalog
    sh scripts/i18n.sh                  # extract, update, compile: the .mo follows the merged .po
    git add src/segtui/locale

A message translated on one side only keeps that translation; translated differently on both sides,
theirs (the branch merged in: main, as work lands by merging main into a branch) wins and the other
is printed so someone can choose.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def _stage(path: str, stage: int) -> bytes:
    return subprocess.run(["git", "show", f":{stage}:{path}"], check=True, capture_output=True).stdout


def _conflicted() -> list[str]:
    out = subprocess.run(
        ["git", "diff", "--name-only", "--diff-filter=U"], check=True, capture_output=True, text=True
    ).stdout
    return [p for p in out.split() if p.startswith("src/segtui/locale/")]


def merge(path: str) -> None:
    ours = read_po(io.BytesIO(_stage(path, 2)))
    theirs = read_po(io.BytesIO(_stage(path, 3)))
    for message in theirs:
        if not message.id:
            continue
        mine = ours.get(message.id, message.context)
        if mine is None:
            ours[message.id] = message
        elif not _filled(mine.string):
            mine.string = message.string
        elif _filled(message.string) and mine.string != message.string:
            # theirs is main when a branch merges main in (the way work lands): what landed wins
            print(f"{path}: {message.id!r}: took {message.string!r}, not {mine.string!r}", file=sys.stderr)
            mine.string = message.string
    buffer = io.BytesIO()
    write_po(buffer, ours, omit_header=False, sort_output=True, width=76)
    Path(path).write_bytes(buffer.getvalue())


def _filled(string: object) -> bool:
    if isinstance(string, (tuple, list)):
        return all(string)
    return bool(string)


def main() -> int:
    paths = _conflicted()
    for path in paths:
        if path.endswith(".po"):
            merge(path)
        elif path.endswith((".mo", ".pot")):  # both made again by scripts/i18n.sh
            subprocess.run(["git", "checkout", "--ours", "--", path], check=True)
    print("merged: " + (", ".join(paths) or "nothing in conflict") + "; now run sh scripts/i18n.sh")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
