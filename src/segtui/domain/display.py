"""The render rule: text from the book or from a file, made safe to show on a terminal.

A name, a note or a contact imported from a file can carry characters that a terminal
obeys instead of showing: ESC and the other C0 controls (window titles, clipboard writes,
links, a cleared screen, a beep), DEL, the C1 controls U+0080–U+009F (``\\x9b`` starts a
command like ``ESC [`` does) and the bidirectional overrides, embeddings, isolates and
marks that make text read in another order than it is stored (U+061C, U+200E, U+200F,
U+202A–U+202E, U+2066–U+2069). Lone surrogates (a file name in an undecodable encoding)
cannot be written to a terminal at all.

``shown`` replaces each of them with U+FFFD ``�``, one character for one, so columns
still line up and the reader sees that something was there. Layout survives: a line
break stays a line break (``\\r\\n`` and a lone ``\\r`` become ``\\n``) and a tab becomes
one space. Everything else — letters of every script, åäö, emoji with their joiners and
variation selectors, zero-width spaces — is shown as written.

The rule is for what people read (screens and the command line's tables and messages);
exports (CSV, JSON, XLSX, vCard, iCalendar) keep the book's text as it is.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"

_BIDI = "\u061c\u200e\u200f" + "".join(map(chr, range(0x202A, 0x202F))) + "".join(map(chr, range(0x2066, 0x206A)))

#: Every code point the rule changes.
HOSTILE = frozenset(
    [chr(c) for c in range(0x00, 0x20)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xA0)]
    + list(_BIDI) + [chr(c) for c in range(0xD800, 0xE000)]
) - {"\n"}

_FOUND = re.compile("[" + "".join(re.escape(c) for c in sorted(HOSTILE)) + "]")

#: One character for one (what a styled text needs: its styles are kept by position).
_TABLE = {ord(c): REPLACEMENT for c in HOSTILE}
_TABLE[ord("\t")] = " "
_TABLE[ord("\r")] = "\n"


def shown(text: str) -> str:
    """``text`` as it may be shown: no code point of :data:`HOSTILE` is left."""
    if _FOUND.search(text) is None:
        return text
    return text.replace("\r\n", "\n").translate(_TABLE)


def shown_same_length(text: str) -> str:
    """:func:`shown`, keeping the length (a ``\\r\\n`` becomes two line breaks), for text whose
    parts are styled by position."""
    if _FOUND.search(text) is None:
        return text
    return text.translate(_TABLE)
