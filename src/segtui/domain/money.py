"""Money and shares for people: the one place figures are formatted.

The book keeps integer minor units (öre, cents); people see whole major units,
rounded (half away from zero), with plain spaces between thousands. In another
language than English the figures follow that language's locale (segtui.i18n,
Babel): '1 234 567 kr', '945 tkr', '62 %'.
"""

from __future__ import annotations

from functools import lru_cache

from segtui import i18n


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
