"""The one rule for text that enters the book — typed in a form, imported from a file
or synced from the team book (README "Your data", docs/safety.md).

* Invisible characters are dropped wherever they are: the byte-order mark (U+FEFF),
  zero-width spaces and joiners (U+200B–U+200D, U+2060), the soft hyphen, direction
  marks and overrides (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and every other
  format character (Unicode category Cf). "K\u200b1" is the customer "K1". A
  zero-width joiner between two emoji is kept: it makes them one picture.
* The text is put in Unicode's composed form (NFC): an "ö" typed as "o" and a
  combining diaeresis is the "ö" of every other way in.
* Spaces at either end are trimmed. In a one-line field (an id, a name, a city) a tab
  or line break is a space; a multi-line field (a note) keeps line breaks and tabs,
  with Windows line ends made plain.
* Any other control character (C0 and C1 controls, DEL — what a terminal obeys) is
  refused, not dropped: the text is not what it seems.
* Each field has a length limit, counted after the above: a customer id 60
  characters, a name and the other short fields 200, a note 2,000.

A value synced from the team book cannot be refused (no one is there to type it again, and
refusing it would keep the row from this book for good): :func:`mend` applies the same rule
but puts U+FFFD where a control character was and cuts the text at the field's limit.
"""

from __future__ import annotations

import re
import unicodedata

ID_MAX = 60  # characters in an id from another system (a customer id, an order id)
NAME_MAX = 200  # characters in a short field (a name, a city, a competitor)
NOTE_MAX = 2000  # characters in a note, outcome or reason


class TextError(ValueError):
    """Text the book does not take, with the reason for the person who typed or exported it:
    ``count`` characters over ``limit``, or the control character ``code`` ('U+001B'; then
    ``count`` and ``limit`` are 0)."""

    def __init__(self, message: str, count: int = 0, limit: int = 0, code: str | None = None) -> None:
        super().__init__(message)
        self.count, self.limit, self.code = count, limit, code


_ONE_LINE = re.compile(r"\r\n|[\t\n\r\x0b\x0c\x85\u2028\u2029]")
_LINE_ENDS = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _invisible(text: str) -> str:
    """``text`` without format characters, but for a zero-width joiner between two emoji
    (👩‍💻 is one picture, not two)."""
    out: list[str] = []
    for i, c in enumerate(text):
        if unicodedata.category(c) != "Cf":
            out.append(c)
        elif c == "\u200d" and out and (unicodedata.category(out[-1]) in ("So", "Sk") or out[-1] == "\ufe0f") \
                and i + 1 < len(text) and unicodedata.category(text[i + 1]) == "So":
            out.append(c)
    return "".join(out)


def clean(text: str | None, limit: int = NAME_MAX, field: str = "text", lines: bool = False) -> str:
    """``text`` by the rule above ('' when nothing is left); raises :class:`TextError`
    naming ``field`` for a control character or text longer than ``limit``."""
    value = text or ""
    if value.isprintable() and value.isascii():  # the common case: nothing to drop or mend
        value = value.strip()
    else:
        if not unicodedata.is_normalized("NFC", value):
            value = unicodedata.normalize("NFC", value)
        value = _invisible(value)
        if lines:
            value = _LINE_ENDS.sub("\n", value)
        else:
            value = _ONE_LINE.sub(" ", value)
        value = value.strip()
        control = _CONTROL.search(value.replace("\t", "").replace("\n", "") if lines else value)
        if control:
            code = f"U+{ord(control.group()):04X}"
            raise TextError(f"the {field} holds a control character ({code}), which is not text", code=code)
    if len(value) > limit:
        raise TextError(f"the {field} is {len(value):,} characters; at most {limit:,} fit", len(value), limit)
    return value


def mend(text: str, limit: int = NAME_MAX, lines: bool = False) -> str:
    """``text`` by the rule above, never refused: each control character left becomes
    U+FFFD (the reader sees something was there) and the text is cut at ``limit``."""
    if text.isprintable() and text.isascii() and len(text) <= limit:
        return text.strip()
    try:
        return clean(text, limit, lines=lines)
    except TextError:
        pass
    value = text
    if not unicodedata.is_normalized("NFC", value):
        value = unicodedata.normalize("NFC", value)
    value = _invisible(value)
    value = _LINE_ENDS.sub("\n", value) if lines else _ONE_LINE.sub(" ", value)
    value = _CONTROL.sub("\ufffd", value).strip()
    return _invisible(value[:limit]).rstrip()  # a joiner cut from the emoji after it goes too
