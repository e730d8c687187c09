"""The app's language: gettext catalogs (managed with Babel) and the formats of the language's locale.

Every text for people goes through ``_()`` (or ``ngettext``); a text that must be
marked where it is written but translated where it is shown (a binding's
description, a label in a table at import time) is marked ``N_()`` and passed
through ``_()`` when it is shown. English is the source language: with English
chosen, ``_()`` gives back its argument, so English output is exactly as written.

The language is the setting ``ui.language`` (``sv``, ``en``), else the
environment (``LC_ALL``, ``LC_MESSAGES``, ``LANG``, the first one set), else
English. A language is available when ``segtui/locale/<lang>/LC_MESSAGES/segtui.mo``
exists: adding Danish is a new catalog, no code (docs/i18n.md).

Scripts read English: the CSV/JSON contracts never pass through here.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
from pathlib import Path
from typing import Mapping

DOMAIN = "segtui"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE = "en"

_translations: _gettext.NullTranslations = _gettext.NullTranslations()
_language = SOURCE


def available() -> tuple[str, ...]:
    """English and every language with a compiled catalog, sorted."""
    found = {SOURCE}
    if LOCALE_DIR.is_dir():
        for path in LOCALE_DIR.iterdir():
            if (path / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file():
                found.add(path.name)
    return tuple(sorted(found))


def _code(value: str | None) -> str | None:
    """'sv' from 'sv_SE.UTF-8', 'sv-SE' or 'SV'; None for nothing, 'C' or 'POSIX'."""
    text = (value or "").strip()
    if not text or text.upper() in ("C", "POSIX") or text.upper().startswith("C."):
        return None
    return text.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower() or None


def pick(setting: str | None, environ: Mapping[str, str]) -> str:
    """The language to use: ``setting`` (ui.language) when set, else the first of
    LC_ALL, LC_MESSAGES, LANG that is set (POSIX order; LANGUAGE lists are read too,
    first available wins), else English. A language without a catalog is English."""
    languages = available()
    chosen = _code(setting)
    if chosen:
        return chosen if chosen in languages else SOURCE
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            code = _code(value)
            return code if code in languages else SOURCE
    return SOURCE


def use(language: str) -> str:
    """Speak ``language`` from now on (English when it has no catalog); gives the language used."""
    global _translations, _language
    _missing.clear()
    code = _code(language) or SOURCE
    if code == SOURCE or code not in available():
        _translations, _language = _gettext.NullTranslations(), SOURCE
    else:
        with open(LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as file:
            _translations, _language = _gettext.GNUTranslations(file), code
    return _language


def words_of_click() -> None:
    """Click's own words (Usage:, Options:, "Show this message and exit.", its errors) in the
    environment's language, the one the command line speaks until a book is open. Click asks
    gettext's process-wide domain for them, in the language the environment names; segtui's
    catalog of them is the domain ``click`` (locale/<lang>/LC_MESSAGES/click.mo, made by
    scripts/i18n.sh from the installed click)."""
    _gettext.bindtextdomain("click", str(LOCALE_DIR))
    _gettext.textdomain("click")


def language() -> str:
    """The language in use ('en', 'sv', …)."""
    return _language


_missing: set[str] = set()


def missing() -> set[str]:
    """Every text asked for in a language other than English that its catalog lacks (tests read it)."""
    return set(_missing)


def _(message: str) -> str:
    """``message`` in the language in use (itself in English or without a translation)."""
    if _language == SOURCE or not message:
        return message
    text = _translations.gettext(message)
    if text is message:
        _missing.add(message)
    return text


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for ``n``, in the language in use."""
    if _language == SOURCE:
        return singular if n == 1 else plural
    return _translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` as meant in ``context`` (a narrow column title, say), in the language in use."""
    if _language == SOURCE:
        return message
    return _translations.pgettext(context, message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog without translating it here (it is translated where shown)."""
    return message


class Phrase(str):
    """A text for people made where the language is not known (io/, store/, an error): the English
    text itself (a ``str``: what scripts, logs, JSON and the English screens read, as ever) that
    remembers its phrase, marked for the catalog, and the values of its placeholders, so that
    :meth:`said` gives it in the language in use. A value may be a Phrase itself (said in the same
    language), or anything ``format`` takes."""

    phrase: str
    plural: str | None
    n: int
    values: dict[str, object]

    def __new__(cls, phrase: str, /, **values: object) -> Phrase:
        return cls._made(phrase, None, 0, values)

    @classmethod
    def _made(cls, phrase: str, plural: str | None, n: int, values: dict[str, object]) -> Phrase:
        english = phrase if plural is None or n == 1 else plural
        self = super().__new__(cls, english.format(**values))
        self.phrase, self.plural, self.n, self.values = phrase, plural, n, values
        return self

    def __repr__(self) -> str:
        return f"Phrase({str.__repr__(self)})"

    def said(self) -> str:
        """The text in the language in use."""
        text = _(self.phrase) if self.plural is None else ngettext(self.phrase, self.plural, self.n)
        return text.format(**{k: v.said() if isinstance(v, Phrase) else v for k, v in self.values.items()})


def plural_phrase(singular: str, plural: str, n: int, /, **values: object) -> Phrase:
    """A :class:`Phrase` with a singular and a plural for ``n`` (``{count}`` is ``n`` unless given)."""
    return Phrase._made(singular, plural, n, {"count": n, **values})


def said(value: object) -> str:
    """``value`` for people in the language in use: a :class:`Phrase` said, an error carrying one
    (its ``phrase``, or a Phrase as its one argument) said, anything else as ``str()`` gives it."""
    if isinstance(value, Phrase):
        return value.said()
    phrase = getattr(value, "phrase", None)
    if isinstance(phrase, Phrase):
        return phrase.said()
    if isinstance(value, BaseException) and len(value.args) == 1 and isinstance(value.args[0], Phrase):
        return value.args[0].said()
    return str(value)


# --- formats of the language's locale (Babel, loaded only for a language other than English) ---------

LOCALES = {"sv": "sv_SE", "da": "da_DK", "nb": "nb_NO", "nn": "nn_NO", "fi": "fi_FI", "de": "de_DE"}


def locale_name() -> str:
    """The Babel locale of the language in use ('sv_SE'); English is 'en'."""
    return LOCALES.get(_language, _language)


def _babel_numbers():
    from babel import numbers

    return numbers


# --- the locale's symbols, kept beside its catalog ----------------------------------------------------
# Babel's first figure costs a start some 25 ms (its locale data, and babel.dates that reading it
# imports). What the board paints at start — whole and one-decimal figures, shares, the as-of day —
# needs only a few symbols of that data, so scripts/i18n.sh keeps them in locale/<lang>/formats.json
# (``formats_from_babel``) and these figures are made from them exactly as Babel makes them (a test
# compares both). Everything else (currencies, weekdays, …) still asks Babel; so does a language
# without the file.

FORMATS = "formats.json"
_formats_of: dict[str, dict | None] = {}
# The date fields the kept symbols can make (day, month, year); a medium date with others is Babel's.
_DATE_FIELDS = {"d", "M", "L", "y"}


def formats_from_babel(language: str) -> dict:
    """What ``formats.json`` keeps for ``language``: its locale's number symbols (the Latin digits
    Babel formats with), and its medium date as Babel's tokens with the month names it uses (None
    when that date has fields other than day, month and year)."""
    from babel import Locale
    from babel.dates import tokenize_pattern

    locale_code = LOCALES.get(language, language)
    locale = Locale.parse(locale_code)
    symbols = locale.number_symbols["latn"]
    tokens = [[kind, *value] if kind == "field" else [kind, value]
              for kind, value in tokenize_pattern(locale.date_formats["medium"].pattern)]
    day = None
    if all(t[0] == "chars" or t[1] in _DATE_FIELDS for t in tokens):
        months = {context: {width: [locale.months[context][width][m] for m in range(1, 13)]
                            for width in ("abbreviated", "wide", "narrow")}
                  for context in ("format", "stand-alone")}
        day = {"medium": tokens, "months": months}
    return {"locale": locale_code, "decimal": symbols["decimal"], "group": symbols["group"], "day": day}


def write_formats(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Write ``formats.json`` beside every catalog (scripts/i18n.sh); gives the files written."""
    import json

    written = []
    for language in available():
        if language == SOURCE:
            continue
        path = locale_dir / language / FORMATS
        path.write_text(json.dumps(formats_from_babel(language), indent=1, sort_keys=True) + "\n", encoding="utf-8")
        written.append(path)
    return written


def _formats() -> dict | None:
    """The kept symbols of the language in use (None: ask Babel)."""
    if _language not in _formats_of:
        import json

        try:
            kept = json.loads((LOCALE_DIR / _language / FORMATS).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            kept = None
        if kept is not None and kept.get("locale") != locale_name():
            kept = None  # kept for another locale of the language
        _formats_of[_language] = kept
    return _formats_of[_language]


def _figure(value, pattern: str, scale: int = 0) -> str:
    """``format_decimal(value, pattern, locale)`` of Babel for the patterns '#,##0', '#,##0.0',
    '#,##0.00' (``scale`` 2: a percentage's figure), from the kept symbols when there are; the same
    steps as Babel's: the value as a Decimal, its sign apart, rounded half to even, grouped by three."""
    from decimal import Decimal

    kept = _formats()
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if kept is None or not number.is_finite():
        return _babel_numbers().format_decimal(number.scaleb(scale), format=pattern, locale=locale_name())
    fraction = len(pattern.partition(".")[2])
    number = number.scaleb(scale)
    negative = number.is_signed()
    whole, _, part = f"{abs(number).normalize().quantize(Decimal(10) ** -fraction):f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    text = kept["group"].join([whole, *groups])
    if fraction:
        text += kept["decimal"] + (part or "0").ljust(fraction, "0")
    return ("-" if negative else "") + text


def _babel_dates():
    from babel import dates

    return dates


# Currencies whose Swedish, Danish and Norwegian short forms end in "kr" (tkr, mnkr, mdkr).
KRONOR = {"SEK", "NOK", "DKK", "ISK"}


def money(minor: int, currency: str = "", decimals: bool = False) -> str:
    """Money in the locale of the language in use (not English: money.money keeps English as it was):
    '1 234 567 kr', or with ``decimals`` '1 234,50 kr'; without a currency only the figure."""
    from decimal import Decimal

    loc = locale_name()
    if decimals:
        value = Decimal(minor) / 100
        if not currency:
            return _figure(value, "#,##0.00")
        return _babel_numbers().format_currency(value, currency, locale=loc)
    units = (abs(minor) + 50) // 100
    whole = -units if minor < 0 else units
    if not currency:
        return _figure(whole, "#,##0")
    return _babel_numbers().format_currency(whole, currency, format="#,##0\xa0¤", currency_digits=False, locale=loc)


# Short forms: thousand, million, billion in the language in use (msgids are the Swedish
# forms' English names; a catalog gives its own).
SHORT_UNITS = (N_("thousand (short)"), N_("million (short)"), N_("billion (short)"))


def short_money(minor: int, currency: str = "") -> str:
    """A narrow figure in the locale: '950 kr', '945 tkr', '1,2 mnkr', '2,3 mdkr' (kronor);
    '945 t EUR' for other currencies; without a currency '945 t', '1,2 mn'."""
    major = minor / 100
    size = abs(major)
    thousand, million, billion = (_(u) for u in SHORT_UNITS)
    if size >= 1_000_000_000:
        figure, unit = _figure(round(major / 1_000_000_000, 1), "#,##0.0"), billion
    elif size >= 1_000_000:
        figure, unit = _figure(round(major / 1_000_000, 1), "#,##0.0"), million
    elif size >= 1_000:
        figure, unit = _figure(round(major / 1_000), "#,##0"), thousand
    else:
        figure, unit = _figure(round(major), "#,##0"), ""
    code = currency.upper()
    if code in KRONOR:
        return f"{figure}\xa0{unit}kr"
    tail = " ".join(part for part in (unit, code) if part)
    return f"{figure}\xa0{tail}" if tail else figure


def number(n: int) -> str:
    """A count for people: '1,234' in English (as ever), the locale's '1 234' otherwise."""
    if _language == SOURCE:
        return f"{n:,}"
    return _babel_numbers().format_decimal(n, format="#,##0", locale=locale_name())


def share(value: float) -> str:
    """A share 0–1 as a whole percentage in the locale: '62 %'."""
    if _formats() is None:
        return _babel_numbers().format_percent(value, format="#,##0\xa0%", locale=locale_name())
    return _figure(value, "#,##0", scale=2) + "\xa0%"  # Babel's '%' of the pattern, not the locale's sign


def day(value) -> str:
    """A day for people: ISO in English ('2026-12-02'), the locale's medium date otherwise ('2 dec. 2026')."""
    if _language == SOURCE:
        return value.isoformat()
    kept = _formats()
    if kept is None or kept["day"] is None:
        return _babel_dates().format_date(value, "medium", locale=locale_name())
    if isinstance(value, dt.datetime):
        value = value.date()
    months = kept["day"]["months"]
    parts = []
    for kind, *token in kept["day"]["medium"]:  # Babel's DateTimeFormat for d, M, L and y
        if kind == "chars":
            parts.append(token[0])
            continue
        field, count = token
        if field == "d":
            parts.append("%0*d" % (count, value.day))
        elif field == "y":
            year = "%0*d" % (count, value.year)
            parts.append(year[-2:] if count == 2 else year)
        elif count <= 2:
            parts.append("%0*d" % (count, value.month))
        else:
            width = {3: "abbreviated", 4: "wide", 5: "narrow"}[count]
            parts.append(months["format" if field == "M" else "stand-alone"][width][value.month - 1])
    return "".join(parts)


def week(year: int, number: int, with_year: bool = True) -> str:
    """An ISO week: '2026-W49' in English, 'v. 49 2026' (or 'v. 49') in Swedish."""
    if _language == SOURCE:
        return f"{year}-W{number:02d}" if with_year else f"W{number:02d}"
    label = _("wk. {number}").format(number=number)
    return f"{label} {year}" if with_year else label


WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def weekday(value, short: bool = False) -> str:
    """The day's name: 'Monday' / 'Mon' in English, 'måndag' / 'mån' in Swedish."""
    if _language == SOURCE:
        name = WEEKDAYS_EN[value.weekday()]
        return name[:3] if short else name
    return _babel_dates().format_date(value, "EEE" if short else "EEEE", locale=locale_name())


def relative_days(days: int) -> str:
    """``days`` from today in words: 'in 5 days', '12 days ago', 'today'; Swedish from pendulum's
    own locale ('om 5 dagar', 'för 12 dagar sedan', 'i dag')."""
    if days == 0:
        return _("today")
    if _language == SOURCE:
        n = abs(days)
        unit = "day" if n == 1 else "days"
        return f"in {n} {unit}" if days > 0 else f"{n} {unit} ago"
    from pendulum.locales.locale import Locale

    try:
        pendulum_locale = Locale.load(_language)
    except ValueError:
        pendulum_locale = Locale.load(SOURCE)
    n = abs(days)
    forms = pendulum_locale.get(f"translations.relative.day.{'future' if days > 0 else 'past'}")
    return forms[pendulum_locale.plural(n)].format(n)


def day_month(value, english: str = "%a {day} %b", narrow: bool = False) -> str:
    """A day of the week at hand with its weekday: 'Mon 7 Dec' in English (``english`` is its
    strftime pattern, ``{day}`` the day without a leading zero; with ``%Y`` the year too),
    the locale's 'mån 7 dec.' ('mån 7 dec. 2026') otherwise; ``narrow`` for a narrow
    column: the weekday's shortest name ('ti 8 dec.')."""
    if _language == SOURCE:
        return value.strftime(english.replace("{day}", str(value.day)))
    pattern = ("EEEEEE" if narrow else "EEE") + (" d MMM y" if "%Y" in english else " d MMM")
    return _babel_dates().format_date(value, pattern, locale=locale_name())
