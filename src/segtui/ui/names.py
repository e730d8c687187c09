"""Customer names in a narrow column, as the planner and the mailing list show them: shortened
where they tell customers apart least."""

from __future__ import annotations

#: Legal forms and trade words dropped from the end of a name that does not fit.
LEGAL_FORMS = ("oy ab", "ab oy", "ab (publ)", "ab", "oy", "oyj", "as", "asa", "a/s", "aps", "hb", "kb",
               "ltd", "gmbh", "inc", "llc")
TRADE_WORDS = ("handel", "& söner", "och söner", "& co", "trading")


def _drop_tail(words: list[str], tails: tuple[str, ...]) -> list[str]:
    folded = [w.casefold() for w in words]
    for tail in tails:
        parts = tail.split()
        if len(words) > len(parts) and folded[-len(parts):] == parts:
            return _drop_tail(words[: -len(parts)], tails)
    return words


def short_name(name: str, width: int) -> str:
    """``name`` in ``width`` characters, keeping the part that tells customers
    apart: first the legal form goes (AB, Oy, AS, A/S, ApS …), then trade words
    (Handel, & Söner), then a leading word shrinks to its initial
    as far as needed ('Andersson Transport AB' → 'Ander. Transport'); only then is it cut with '…'."""
    if len(name) <= width:
        return name
    words = name.split()
    for tails in (LEGAL_FORMS, TRADE_WORDS):
        words = _drop_tail(_drop_tail(words, LEGAL_FORMS), tails)
        if len(" ".join(words)) <= width:
            return " ".join(words)
    words = words[:1] + [w for w in words[1:] if w.casefold() not in TRADE_WORDS]  # 'Holm Trading Aarhus'
    if len(" ".join(words)) <= width:
        return " ".join(words)
    if len(words) > 1:
        rest = " " + " ".join(words[1:])
        keep = max(1, width - len(rest) - 1)
        if keep < len(words[0]) - 1:
            words = [words[0][:keep] + "."] + words[1:]
    text = " ".join(words)
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"
