"""Money and shares for people: the one place figures are formatted.

The book keeps integer minor units (öre, cents); people see whole major units,
rounded (half away from zero), with plain spaces between thousands.
"""

from __future__ import annotations


def _whole(minor: int) -> int:
    """Minor units to whole major units, rounded half away from zero."""
    units = (abs(minor) + 50) // 100
    return -units if minor < 0 else units


def money(minor: int | None, currency: str = "") -> str:
    """'1 234 567' or '1 234 567 SEK' (credit notes keep their minus); None is '—'."""
    if minor is None:
        return "—"
    text = f"{_whole(minor):,}".replace(",", " ")
    return f"{text} {currency}" if currency else text


def short_money(minor: int) -> str:
    """Major units in a narrow column: '950', '738 k', '4.6 M', '2.3 bn'."""
    major = minor / 100
    size = abs(major)
    if size >= 1_000_000_000:
        return f"{major / 1_000_000_000:.1f} bn"
    if size >= 1_000_000:
        return f"{major / 1_000_000:.1f} M"
    if size >= 1_000:
        return f"{major / 1_000:.0f} k"
    return f"{major:.0f}"


def share(value: float | None) -> str:
    """A share 0–1 as a whole percentage: '69%'; None is '—'."""
    return "—" if value is None else f"{value * 100:.0f}%"
