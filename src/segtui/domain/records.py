"""What a rep types about a customer and its people, checked (docs/records.md).

Phone numbers are parsed with ``phonenumbers`` in the customer's country (Sweden
when it has none): stored in E.164 (``+46701234567``), shown in the national form
(``070-123 45 67``) and copied in the international one (``+46 70 123 45 67``).
Organisation numbers are checked with ``python-stdnum`` for the country's register
(SE, NO, DK, FI); numbers of other countries are kept as typed.
Company names compare without case, punctuation or legal form ("Acme AB" is
"ACME Aktiebolag"), which is how imports match and duplicates are found.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from stdnum.dk import cvr
from stdnum.fi import ytunnus
from stdnum.no import orgnr
from stdnum.se import orgnr as se_orgnr
from stdnum.exceptions import ValidationError

from segtui.domain.customer import ID_MAX, NAME_MAX, InputError, clean_note  # noqa: F401 (ID_MAX: the forms' limit)
from segtui.i18n import _

DEFAULT_REGION = "SE"

#: Country names a rep may type, to ISO 3166 codes (the codes themselves are taken too).
COUNTRY_NAMES = {
    "sweden": "SE", "sverige": "SE", "norway": "NO", "norge": "NO", "denmark": "DK", "danmark": "DK",
    "finland": "FI", "suomi": "FI", "iceland": "IS", "island": "IS", "germany": "DE", "tyskland": "DE",
    "united kingdom": "GB", "uk": "GB", "estonia": "EE", "poland": "PL", "netherlands": "NL",
}

_ORG_CHECKERS = {"SE": se_orgnr, "NO": orgnr, "DK": cvr, "FI": ytunnus}

#: Legal forms dropped when names are compared (lower case, without dots).
LEGAL_FORMS = {
    "ab", "aktiebolag", "aktiebolaget", "hb", "handelsbolag", "kb", "kommanditbolag", "ek", "för", "ekonomisk",
    "förening", "as", "asa", "aksjeselskap", "allmennaksjeselskap", "da", "ans", "aps", "anpartsselskab",
    "a/s", "aktieselskab", "oy", "oyj", "osakeyhtiö", "ky", "ltd", "limited", "plc", "llc", "inc",
    "incorporated", "corp", "corporation", "co", "gmbh", "ag", "bv", "nv", "sa", "sarl", "srl", "oü",
    "publ", "the",
}


def country_code(text: str | None) -> str | None:
    """An ISO country code from 'SE', 'se', 'Sweden' or 'Sverige'; None when empty or unknown."""
    value = (text or "").strip()
    if not value:
        return None
    if re.fullmatch(r"[A-Za-z]{2}", value):
        return value.upper()
    return COUNTRY_NAMES.get(value.lower())


def parse_country(text: str) -> str | None:
    """A country for a customer: a two-letter code or a known name, stored as the code."""
    value = (text or "").strip()
    if not value:
        return None
    code = country_code(value)
    if code is None:
        raise InputError(_("{value} is not a country — type a two-letter code such as SE, NO, DK or FI").format(
            value=repr(value)))
    return code


def region(country: str | None) -> str:
    """The region phone numbers are read in: the customer's country, else Sweden."""
    return country_code(country) or DEFAULT_REGION


def parse_phone(text: str, country: str | None = None) -> str | None:
    """A phone number as typed ('070-123 45 67', '+45 46 83 59 36', '0046 70 …') in E.164;
    None when empty. Refused when it is not a possible number of its country."""
    raw = clean_note(text, NAME_MAX, "phone") or ""
    if not raw:
        return None
    try:
        number = phonenumbers.parse(raw, region(country))
    except phonenumbers.NumberParseException:
        raise InputError(_("{value} is not a phone number").format(value=repr(raw))) from None
    if not phonenumbers.is_valid_number(number):
        where = phonenumbers.region_code_for_number(number) or region(country)
        raise InputError(_("{value} is not a valid phone number in {where} — check the digits").format(
            value=repr(raw), where=where))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _number(stored: str, country: str | None):
    try:
        number = phonenumbers.parse(stored, region(country))
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def phone_national(stored: str | None, country: str | None = None) -> str:
    """A stored number as people in the customer's country write it; a number from
    another country, or one that cannot be read, as it is."""
    if not stored:
        return ""
    number = _number(stored, country)
    if number is None:
        return stored
    if phonenumbers.region_code_for_number(number) != region(country):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def phone_international(stored: str | None, country: str | None = None) -> str:
    """A stored number in the international form, for the clipboard and phones."""
    if not stored:
        return ""
    number = _number(stored, country)
    if number is None:
        return stored
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_e164(stored: str | None, country: str | None = None) -> str:
    """A stored number in E.164 (``+46701234567``), what phones and other systems read
    wherever they are; a number that cannot be read (not even a possible one), as it is."""
    if not stored:
        return ""
    try:
        number = phonenumbers.parse(stored, region(country))
    except phonenumbers.NumberParseException:
        return stored
    if not phonenumbers.is_possible_number(number):
        return stored
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]{2,}")


def parse_email(text: str) -> str | None:
    value = clean_note(text, NAME_MAX, "e-mail") or ""
    if not value:
        return None
    if len(value) > NAME_MAX or not _EMAIL.fullmatch(value):
        raise InputError(_("{value} is not an e-mail address (name@company.se)").format(value=repr(value)))
    return value


def parse_org_number(text: str, country: str | None = None) -> str | None:
    """An organisation number checked for its country (SE, NO, DK, FI; Sweden when the
    customer has no country) and stored in the register's form ('556677-8899');
    numbers of other countries are kept as typed."""
    value = (text or "").strip()
    if not value:
        return None
    code = country_code(country) or DEFAULT_REGION
    checker = _ORG_CHECKERS.get(code)
    if checker is None:
        return clean_note(value, 40, "org number")
    try:
        return checker.format(checker.validate(value))
    except ValidationError as error:
        raise InputError(_("{value} is not a {country} organisation number ({error})").format(
            value=repr(value), country=code, error=str(error).lower())) from None


def clean_text(text: str | None, field: str, limit: int = NAME_MAX) -> str | None:
    """An optional short field (industry, city, owner …), trimmed; None when empty."""
    return clean_note(text, limit, field)


def parse_size(text: str) -> int | None:
    """Company size as a number of employees ('45', '1 200'); None when empty."""
    raw = re.sub(r"[\s\u00a0\u202f]", "", text or "")
    if not raw:
        return None
    if not raw.isdigit():
        raise InputError(_("{value} is not a number of employees").format(value=repr(text.strip())))
    value = int(raw)
    if value > 10_000_000:
        raise InputError(_("that many employees is implausible — check the number"))
    return value


def name_key(name: str | None) -> str:
    """A company name for comparing: no case, accents kept, punctuation and legal forms
    dropped ('ACME Aktiebolag' and 'Acme AB.' both give 'acme')."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = text.replace("a/s", " as ")
    words = re.findall(r"[\w&]+", text)
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)


def city_key(city: str | None) -> str:
    """A city for comparing: no case, spaces collapsed, accents kept ('GÖTEBORG ' is 'göteborg')."""
    return " ".join(unicodedata.normalize("NFKC", city or "").casefold().split())


def org_key(org_number: str | None) -> str:
    """An org number for comparing: its digits (and letters) only, without a VAT number's
    country prefix and suffix — '556677-8899', '5566778899' and 'SE556677889901' all give
    '5566778899'; 'NO 923 609 016 MVA' gives '923609016'."""
    text = re.sub(r"[^0-9A-Za-z]", "", org_number or "").upper()
    prefix = re.match(r"([A-Z]{2})(?=[0-9])", text)
    if prefix:
        text = text[2:]
        if prefix.group(1) == "SE" and len(text) == 12 and text.endswith("01"):
            text = text[:10]  # a Swedish VAT number is the org number + '01'
    if text.endswith("MVA") and text[:-3].isdigit():
        text = text[:-3]
    return text


def company_key(name: str | None, city: str | None) -> tuple[str, str]:
    """What makes two customers look like one company by name: the compared name and the
    compared city (:func:`name_key`, :func:`city_key`). An empty name gives ``("", …)``,
    which is never the same company as anything."""
    return name_key(name), city_key(city)


def same_company(name_a: str | None, city_a: str | None, name_b: str | None, city_b: str | None) -> bool:
    """Two names in two cities are one company: the same name without case, punctuation and
    legal form, in the same city without case ("Acme AB", "Lund" is "ACME Aktiebolag", "LUND").
    A missing city is a city of its own: "Acme" with no city is not "Acme" in Lund."""
    key = company_key(name_a, city_a)
    return bool(key[0]) and key == company_key(name_b, city_b)


def same_org_number(a: str | None, b: str | None) -> bool:
    """Two org numbers are one company's, written either way (:func:`org_key`); empty is never the same."""
    key = org_key(a)
    return bool(key) and key == org_key(b)
