"""Money and shares for people: the one place figures are formatted.

The book keeps integer minor units (öre, cents); people see whole major units,
rounded (half away from zero), with plain spaces between thousands. In another
language than English the figures follow that language's locale (segtui.i18n,
Babel): '1 234 567 kr', '945 tkr', '62 %'.

:func:`parse_money` is the one reading of amounts, typed or imported (docs/amounts.md):
the import's amounts, the settings' thresholds, the budgets typed on the customer screen
and in the review.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from segtui import i18n
from segtui.i18n import N_, Phrase


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


def is_currency(code: str) -> bool:
    """A currency code of ISO 4217 ('SEK', 'EUR', 'USD' …, as Babel knows them); 'ABC' is not."""
    return code in _currencies()


def _whole(minor: int) -> int:
    """Minor units to whole major units, rounded half away from zero."""
    units = (abs(minor) + 50) // 100
    return -units if minor < 0 else units


def money(minor: int | None, currency: str = "") -> str:
    """'1 234 567' or '1 234 567 SEK' (credit notes keep their minus); None is '—'."""
    if minor is None:
        return "—"
    if i18n.language() != i18n.SOURCE:
        return i18n.money(minor, currency)
    text = f"{_whole(minor):,}".replace(",", " ")
    return f"{text} {currency}" if currency else text


def short_money(minor: int) -> str:
    """Major units in a narrow column: '950', '738 k', '4.6 M', '2.3 bn'."""
    if i18n.language() != i18n.SOURCE:
        return i18n.short_money(minor)
    major = minor / 100
    size = abs(major)
    if size >= 1_000_000_000:
        return f"{major / 1_000_000_000:.1f} bn"
    if size >= 1_000_000:
        return f"{major / 1_000_000:.1f} M"
    if size >= 1_000:
        return f"{major / 1_000:.0f} k"
    return f"{major:.0f}"


def short_amount(minor: int, currency: str) -> str:
    """A narrow figure with its currency: '738 k SEK' in English, '738 tkr' in Swedish."""
    if i18n.language() != i18n.SOURCE:
        return i18n.short_money(minor, currency)
    return f"{short_money(minor)} {currency}"


def share(value: float | None) -> str:
    """A share 0–1 as a whole percentage: '69%' ('69 %' in Swedish); None is '—'."""
    if value is None:
        return "—"
    if i18n.language() != i18n.SOURCE:
        return i18n.share(value)
    return f"{value * 100:.0f}%"


# --------------------------------------------------------------------------
# Reading amounts (docs/amounts.md)
# --------------------------------------------------------------------------


class MoneyError(ValueError):
    """An amount that cannot be read. Its one argument is the whole sentence (a :class:`Phrase`:
    '"1,23,4" is not a number (the digit groups are not groups of three)'); ``why`` is the
    reason alone ('the digit groups are not groups of three'), None when the text is simply
    not a figure, for a form to say in its own words."""

    def __init__(self, message: Phrase, why: Phrase | None = None) -> None:
        super().__init__(message)
        self.why = why


_DIGITS = re.compile(r"[0-9]+").fullmatch
_EXPONENT = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)[eE][+-]?[0-9]+").fullmatch
_FILE_GROUPS = re.compile(r"[ \u00a0\u202f\u2009']+").split
_TYPED_GROUPS = re.compile(r"[ \u00a0\u202f\u2009'_]+").split
_LAST_SPACE_GROUP = re.compile(r"([0-9]{3})(?:([.,])([0-9]*))?").fullmatch
_MINUS = ("-", "\u2212", "\u2013")
#: Currency signs written beside a figure (Babel's in the Nordic and English locales, and ':-'),
#: longest first ("Nkr" before "kr").
SIGNS = tuple(sorted(("kr.", "kr", "Nkr", "Dkr", "Ikr", ":-", "$", "US$", "CA$", "A$", "AU$", "\u20ac", "\u00a3",
                      "\u00a5", "JP\u00a5", "CN\u00a5"), key=len, reverse=True))
_SIGNS_FOLDED = tuple(sign.casefold() for sign in SIGNS)
_CODE_FIRST = re.compile(r"([A-Za-z]{3})(?![A-Za-z])\s*(.*)", re.S).fullmatch
_CODE_LAST = re.compile(r"(.*?)(?<![A-Za-z])\s*([A-Za-z]{3})", re.S).fullmatch
#: Decimals of money people type: öre, cents.
TYPED_DECIMALS = 2


def _show(text: str) -> str:
    """A value quoted for a message, shortened if long."""
    text = text if len(text) <= 40 else text[:37] + "..."
    return f'"{text}"'


def _fail(shown: str, why: Phrase | None = None) -> MoneyError:
    if why is None:
        return MoneyError(Phrase("{value} is not a number", value=_show(shown)))
    return MoneyError(Phrase("{value} is not a number ({why})", value=_show(shown), why=why), why)


def _without_currency(body: str) -> tuple[str, str]:
    """``body`` less a currency sign or code before or after it, and that currency ('' if none)."""
    low = body.casefold()
    for sign in _SIGNS_FOLDED:
        if low.startswith(sign):
            return body[len(sign):].strip(), sign
        if low.endswith(sign) and len(body) > len(sign):
            return body[: -len(sign)].strip(), sign
    first = _CODE_FIRST(body)
    if first and is_currency(first.group(1).upper()):
        return first.group(2).strip(), first.group(1).upper()
    last = _CODE_LAST(body)
    if last and last.group(1) and is_currency(last.group(2).upper()):
        return last.group(1).strip(), last.group(2).upper()
    return body, ""


def parse_money(text: str, decimal: str | None = None, *, typed: bool = False) -> Decimal:
    """An amount as people and files write it, as a Decimal (docs/amounts.md).

    * Thousands are grouped by three with spaces (also no-break, narrow no-break and thin
      spaces) or ``'``; or with ``,`` or ``.`` (the other one, or none, being the decimal
      separator): '1 234 567,50', "1'234.50", '1.234.567,50', '1,234,567.50'.
    * ``decimal`` ('.' or ',', a file column's or a locale's) settles which one is decimal.
      Without it, when both appear the last one is decimal; a separator that appears several
      times groups thousands; a lone one is decimal ('1,5', '1.234') — except in ``typed``
      money, which has at most two decimals: there a lone separator before exactly three
      digits groups thousands ('1,000' and '1.000' are a thousand; '0,125' is refused).
    * A minus (``-``, ``−``, ``–``) before, a minus after ('100-'), or parentheses make it
      negative; a plus is allowed; one sign at most.
    * ``typed``: a currency code or sign may stand before or after ('1 200 kr', 'SEK 1 200',
      '€12', '100:-'); ``_`` groups thousands too; no exponent. Not typed (a file's cell): an
      exponent is read ('1.5E3', as spreadsheets export) and a currency is refused (it comes
      from its own column).

    Raises :class:`MoneyError` with the reason. A zero has no sign.
    """
    if decimal not in (None, ".", ","):
        raise MoneyError(Phrase('the decimal separator must be "." or ",", not {decimal}', decimal=_show(str(decimal))))
    shown = text.strip()
    if not shown:
        raise MoneyError(Phrase("the value is empty"))
    body, negative, signs, currency, parenthesised = shown, False, 0, "", False
    changed = True
    while changed and body:
        changed = False
        if not parenthesised and body.startswith("(") and body.endswith(")"):
            negative, body, signs, parenthesised, changed = True, body[1:-1].strip(), signs + 1, True, True
            continue
        if not currency:
            rest, currency = _without_currency(body)
            if currency:
                body, changed = rest, True
                continue
        if body[:1] in _MINUS or body[:1] == "+":
            negative = negative or body[0] != "+"
            body, signs, changed = body[1:].lstrip(), signs + 1, True
        elif len(body) > 1 and body[-1] in _MINUS:
            negative, body, signs, changed = True, body[:-1].rstrip(), signs + 1, True
    if signs > 1:
        raise _fail(shown, Phrase("more than one sign"))
    if not body:
        raise _fail(shown)
    if currency and not typed:
        raise _fail(shown, Phrase("a currency is written with it; the currency is a column of its own, or the book's"))
    if _EXPONENT(body):
        if typed:
            raise _fail(shown, Phrase("an exponent"))
        d = Decimal(body)
    else:
        d = Decimal(_canonical(body, shown, decimal, typed))
    if negative:
        d = -d
    return d.copy_abs() if not d else d


def _valid_groups(groups: list[str]) -> bool:
    """Thousands groups: 1-3 digits, then groups of exactly 3."""
    return (
        bool(groups)
        and 1 <= len(groups[0]) <= 3
        and bool(_DIGITS(groups[0]))
        and all(len(g) == 3 and _DIGITS(g) for g in groups[1:])
    )


_NOT_THREE = N_("the digit groups are not groups of three")


def _canonical(body: str, shown: str, decimal: str | None, typed: bool) -> str:
    """Rewrite a number with separators as plain digits with '.' for decimals."""
    groups = (_TYPED_GROUPS if typed else _FILE_GROUPS)(body)
    if len(groups) > 1 and not all(_DIGITS(g) for g in groups[:-1]):
        raise _fail(shown)  # words, not digit groups: "about 300"
    if len(groups) > 1:  # 1 234 567,50 / 1'234.50
        last = _LAST_SPACE_GROUP(groups[-1])
        if not last or not _valid_groups(groups[:-1] + [last.group(1)]):
            raise _fail(shown, Phrase(_NOT_THREE))
        if last.group(2) and decimal and last.group(2) != decimal:
            raise _fail(shown, Phrase('the decimal separator is "{decimal}"', decimal=decimal))
        digits = "".join(groups[:-1]) + last.group(1)
        return _decimals(digits, last.group(3) or "", shown, typed)

    dots, commas = body.count("."), body.count(",")
    if decimal is not None:
        thousands = "," if decimal == "." else "."
        if body.count(decimal) > 1:
            raise _fail(shown, Phrase('more than one "{decimal}"', decimal=decimal))
        int_part, _, frac = body.partition(decimal)
        if thousands in frac:
            raise _fail(shown)
        if thousands in int_part:
            if not _valid_groups(int_part.split(thousands)):
                raise _fail(shown, Phrase('with "{decimal}" as the decimal separator, "{thousands}" must separate '
                                          'groups of three digits', decimal=decimal, thousands=thousands))
            int_part = int_part.replace(thousands, "")
        return _join(int_part, frac, shown, typed)

    if dots and commas:
        dec = "." if body.rfind(".") > body.rfind(",") else ","
        thousands = "," if dec == "." else "."
        if body.count(dec) > 1:
            raise _fail(shown, Phrase('more than one "{decimal}"', decimal=dec))
        int_part, _, frac = body.partition(dec)
        if not _valid_groups(int_part.split(thousands)):
            raise _fail(shown, Phrase(_NOT_THREE))
        return _join(int_part.replace(thousands, ""), frac, shown, typed)
    if dots or commas:
        sep = "." if dots else ","
        if body.count(sep) == 1:
            int_part, _, frac = body.partition(sep)
            if typed and len(frac) == 3 and _valid_groups([int_part, frac]) and int_part[0] != "0":
                return int_part + frac  # typed money has two decimals at most: 1,000 is a thousand
            return _join(int_part, frac, shown, typed)  # a lone separator is the decimal one
        groups = body.split(sep)  # several: thousands separators
        if not _valid_groups(groups):
            raise _fail(shown, Phrase(_NOT_THREE))
        return "".join(groups)
    if not _DIGITS(body):
        raise _fail(shown)
    return body


def _join(int_part: str, frac: str, shown: str, typed: bool) -> str:
    if (int_part and not _DIGITS(int_part)) or (frac and not _DIGITS(frac)) or not (int_part or frac):
        raise _fail(shown)
    return _decimals(int_part or "0", frac, shown, typed)


def _decimals(digits: str, frac: str, shown: str, typed: bool) -> str:
    if typed and len(frac) > TYPED_DECIMALS:
        raise _fail(shown, Phrase("more than two decimals"))
    return f"{digits}.{frac}" if frac else digits
