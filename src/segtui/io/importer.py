"""Importing orders and customers from ERP and CRM exports (DESIGN §5).

All or nothing: the whole file is read and checked first; only then is
everything written, in one transaction.  A bad row stops the import with the
file's line, the column and the reason (:class:`~segtui.io.readers.ReadError`)
and the book is left exactly as it was.  Rows that are unusable by design (no
customer id, as in walk-in sales) are skipped and counted, never silently.

Re-importing adds nothing twice: orders are keyed on the source's order id, or
on customer + date + amount when the file has none (the book's unique indexes
``order_by_ref`` / ``order_by_day``).  Rows without an order id are grouped
into one order per customer and day (``order_key`` ``'d:' + date``); their
negative lines form that day's credit note.

:func:`import_orders` and :func:`import_customers` return a :class:`Summary`
that says what was used, what is new, what was skipped and which customers
changed revenue class or quadrant because of the import.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence

from segtui import clock, i18n
from segtui.domain.money import is_currency
from segtui.domain.text import ID_MAX, NAME_MAX, TextError, clean
from segtui.i18n import N_, Phrase, _, plural_phrase, said
from segtui.io.readers import (
    AMOUNT_LIMIT,
    ReadError,
    Table,
    detect_date_order,
    detect_decimal_separator,
    open_table,
    parse_amount,
    parse_date,
    parse_quantity,
    reason_of,
    to_minor,
)

if TYPE_CHECKING:
    from segtui.domain.matching import Match, Matcher, Row

__all__ = [
    "ORDER_FIELDS",
    "CUSTOMER_FIELDS",
    "ReadError",
    "CurrencyNeeded",
    "NothingMatched",
    "Mapping",
    "Move",
    "Summary",
    "Preview",
    "parse_map_options",
    "parse_rates",
    "map_columns",
    "choose_columns",
    "check_mapping",
    "import_orders",
    "import_customers",
    "preview",
    "count_lines",
]

#: Order fields and what they mean (DESIGN §5).
ORDER_FIELDS: dict[str, str] = {
    "customer": N_("the customer's id in the source system (required)"),
    "date": N_("the order or invoice date (required)"),
    "amount": N_("the order's net amount (or quantity + unit_price)"),
    "quantity": N_("the quantity of a line (with unit_price)"),
    "unit_price": N_("the unit price of a line (with quantity)"),
    "order": N_("the order or invoice id (lines of one order are summed)"),
    "customer_name": N_("the customer's name (for new customers)"),
    "currency": N_("the currency code (default: the book's)"),
    "city": N_("the customer's city (for new customers)"),
    "country": N_("the customer's country (for new customers)"),
}

#: Customer fields and what they mean.
CUSTOMER_FIELDS: dict[str, str] = {
    "customer": N_("the customer's id in the ERP (the book's customer id); without it rows are matched (--match)"),
    "crm_id": N_("the CRM's own record id (HubSpot Record ID, Salesforce Id), kept as the customer's CRM id"),
    "name": N_("the company name"),
    "org_number": N_("the organisation number"),
    "industry": N_("the industry"),
    "city": N_("the city"),
    "postcode": N_("the postcode"),
    "address": N_("the street address"),
    "owner": N_("who owns the account"),
    "contact": N_("the primary contact's name"),
    "phone": N_("the primary contact's phone"),
    "email": N_("the primary contact's e-mail"),
    "budget": N_("the yearly potential (budget), in the book's currency (a dated assessment)"),
    "loyalty": N_("the share of wallet we have, 0.6 or 60% (a dated assessment)"),
    "employees": N_("the number of employees"),
    "annual_revenue": N_("the company's own annual revenue"),
    "country": N_("the country"),
    "lat": N_("where the customer is: latitude (decimal degrees, with lon)"),
    "lon": N_("where the customer is: longitude (decimal degrees, with lat)"),
}

# Column names each field is found under without a map, best first.  Compared
# case-insensitively with spaces, '_', '-', '.', '/' and '#' ignored, so
# "Organization - Name" is "organizationname".  The field's own name comes first.
_ORDER_NAMES: dict[str, tuple[str, ...]] = {
    "customer": ("customer", "customerid", "customerno", "customernumber", "custid", "kundnr", "kundnummer", "kundid"),
    "date": ("date", "invoicedate", "orderdate", "documentdate", "datum", "fakturadatum", "orderdatum"),
    "amount": ("amount", "netamount", "net", "amountnet", "total", "totalamount", "belopp", "nettobelopp", "summa"),
    "quantity": ("quantity", "qty", "antal", "kvantitet"),
    "unit_price": ("unitprice", "price", "priceperunit", "apris", "pris", "styckpris"),
    "order": ("order", "orderid", "orderno", "ordernumber", "invoice", "invoiceno", "invoiceid", "invoicenumber",
              "ordernr", "fakturanr", "fakturanummer"),
    "customer_name": ("customername", "kundnamn", "name", "company", "companyname"),
    "currency": ("currency", "currencycode", "currencyiso", "curr", "ccy", "cur", "documentcurrency",
                 "transactioncurrency", "invoicecurrency", "ordercurrency", "valuta", "valutakod", "währung"),
    "city": ("city", "customercity", "ort", "postort"),
    "country": ("country", "customercountry", "countryregion", "land"),
}

# HubSpot companies, Salesforce accounts and Pipedrive organizations use these.
_CUSTOMER_NAMES: dict[str, tuple[str, ...]] = {
    "customer": ("customer", "customerid", "customerno", "customernumber", "custid", "sourceid", "erpid",
                 "accountnumber", "kundnr", "kundnummer", "kundid"),
    # a CRM's own record id is never the customer id: the ERP's number is (docs/matching.md)
    "crm_id": ("crmid", "recordid", "hsobjectid", "hubspotid", "companyrecordid", "id", "accountid",
               "salesforceid", "objectid", "organizationid", "organisationid", "companyid"),
    "name": ("name", "companyname", "accountname", "organizationname", "organisationname", "company",
             "customername", "kundnamn", "foretag", "företag"),
    "org_number": ("orgnumber", "organisationnumber", "organizationnumber", "orgnr", "organisationsnummer",
                   "registrationnumber", "companyregistrationnumber", "vatnumber"),
    "industry": ("industry", "organizationindustry", "bransch"),
    "city": ("city", "billingcity", "organizationaddresscitytownvillagelocality", "organizationcity",
             "shippingcity", "ort", "postort", "stad"),
    "postcode": ("postcode", "postalcode", "zip", "zipcode", "billingzippostalcode", "billingpostalcode",
                 "organizationaddresszippostalcode", "postnummer", "postnr"),
    "address": ("address", "streetaddress", "billingstreet", "organizationaddress", "street", "adress",
                "gatuadress"),
    "owner": ("owner", "companyowner", "accountowner", "accountownername", "ownername", "organizationowner",
              "recordowner", "saljare", "säljare"),
    "contact": ("contact", "contactname", "primarycontact", "personname", "kontaktperson"),
    "phone": ("phone", "phonenumber", "telephone", "organizationphone", "personphone", "telefon", "tel"),
    "email": ("email", "emailaddress", "personemail", "epost"),
    "budget": ("budget", "yearlybudget", "budgetperyear", "potential", "yearlypotential", "annualpotential",
               "wallet", "walletsize", "arsbudget", "årsbudget", "potential_per_year"),
    "loyalty": ("loyalty", "shareofwallet", "walletshare", "lojalitet", "andel"),
    "employees": ("employees", "numberofemployees", "organizationnumberofemployees", "employeecount",
                  "anstallda", "anställda", "antalanstallda", "antalanställda"),
    "annual_revenue": ("annualrevenue", "organizationannualrevenue", "revenue", "omsattning", "omsättning"),
    "country": ("country", "countryregion", "billingcountry", "organizationaddresscountry", "organizationcountry",
                "shippingcountry", "land"),
    "lat": ("lat", "latitude", "billinglatitude", "shippinglatitude", "organizationaddresslatitude", "breddgrad"),
    "lon": ("lon", "lng", "long", "longitude", "billinglongitude", "shippinglongitude",
            "organizationaddresslongitude", "langdgrad", "längdgrad"),
}

#: The customer fields a row is matched on (docs/matching.md).
_MATCH_FIELDS = ("customer", "crm_id", "org_number", "name")

_NAME_NOISE = re.compile(r"[\s_\-./#:()]+")
_CURRENCY = re.compile(r"[A-Z]{3}").fullmatch
_LIMIT = Decimal(AMOUNT_LIMIT)
_PLAIN_AMOUNT = re.compile(r"-?[0-9]{1,13}(?:\.[0-9]{1,4})?").fullmatch  # below 10^13, needs no checks
_SAMPLE_ROWS = 2000
_PROGRESS_EVERY = 8192
_BATCH = 50_000


def _normal(name: str) -> str:
    return _NAME_NOISE.sub("", name.casefold())


# --------------------------------------------------------------------------
# Column mapping
# --------------------------------------------------------------------------


def parse_map_options(items: Iterable[str], kind: str = "orders") -> dict[str, str]:
    """``["customer=CustomerID", ...]`` → ``{"customer": "CustomerID"}``; raises ReadError."""
    fields = ORDER_FIELDS if kind == "orders" else CUSTOMER_FIELDS
    result: dict[str, str] = {}
    for item in items:
        name, sep, column = item.partition("=")
        name, column = name.strip().lower().replace("-", "_"), column.strip()
        if not sep or not name or not column:
            raise ReadError(Phrase('--map "{item}" is not FIELD=COLUMN (e.g. customer=CustomerID)', item=item))
        if name not in fields:
            listed = ", ".join(fields)
            raise ReadError(Phrase('--map "{item}": there is no order field "{name}" (fields: {fields})', item=item,
                                   name=name, fields=listed) if kind == "orders" else
                            Phrase('--map "{item}": there is no customer field "{name}" (fields: {fields})', item=item,
                                   name=name, fields=listed))
        result[name] = column
    return result


def parse_rates(items: Iterable[str]) -> dict[str, Decimal]:
    """``["USD=10.45", ...]`` → ``{"USD": Decimal("10.45")}``: what one unit of a currency is
    in the book's currency; raises ReadError."""
    rates: dict[str, Decimal] = {}
    for item in items:
        code, sep, value = item.partition("=")
        code = code.strip().upper()
        try:
            rate = parse_amount(value.strip()) if sep else None
        except ValueError:
            rate = None
        if not _CURRENCY(code) or not is_currency(code) or rate is None or not 0 < rate < 10**6:
            raise ReadError(f'--rate "{item}" is not CODE=RATE with a rate above 0 (e.g. --rate USD=10.45: '
                            "one USD is 10.45 of the book's currency)")
        rates[code] = rate
    return rates


@dataclass
class Mapping:
    """Which column each field comes from, and how it was chosen."""

    kind: str  # "orders" | "customers"
    header: list[str]
    fields: dict[str, str]  # field → column name, in field order
    chosen: dict[str, str] = field(default_factory=dict)  # field → "map" | "name"

    def index(self, name: str) -> int | None:
        column = self.fields.get(name)
        return None if column is None else self.header.index(column)

    @property
    def line_level(self) -> bool:
        return self.kind == "orders" and "amount" not in self.fields

    def describe(self) -> str:
        return ", ".join(f'{f} ← "{c}"' for f, c in self.fields.items())


def _find_column(header: Sequence[str], column: str, name: str = "") -> str | None:
    if column in header:
        return column
    for alike in (lambda h: h.casefold() == column.casefold(), lambda h: _normal(h) == _normal(column)):
        matches = [h for h in header if alike(h)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise _ambiguous(header, name, matches)
    return None


def _ambiguous(header: Sequence[str], name: str, columns: Sequence[str]) -> ReadError:
    """Two columns of the header read as one field (``Customer`` and ``customer``): which one
    is meant is not guessed."""
    listed = " or ".join(f'column {header.index(c) + 1} "{c}"' for c in columns)
    return ReadError(f'the field "{name}" could be {listed} — rename one, or say which with --map {name}=COLUMN')


def map_columns(kind: str, header: Sequence[str], overrides: dict[str, str] | None = None) -> Mapping:
    """Choose the column of every field: ``overrides`` first, then the usual names.

    Raises ReadError when a mapped column is not in the file or a required
    field has no column."""
    mapping = choose_columns(kind, header, overrides)
    check_mapping(mapping)
    return mapping


def choose_columns(kind: str, header: Sequence[str], overrides: dict[str, str] | None = None) -> Mapping:
    """:func:`map_columns` without the check that the required fields have a column."""
    names = _ORDER_NAMES if kind == "orders" else _CUSTOMER_NAMES
    header = list(header)
    chosen: dict[str, str] = {}
    how: dict[str, str] = {}
    listed = ", ".join(f'"{h}"' for h in header if h)
    for name, column in (overrides or {}).items():
        if not column:  # explicitly left out (the Import screen)
            how[name] = "off"
            continue
        found = _find_column(header, column, name)
        if found is None:
            raise ReadError(Phrase('--map {name}={column}: the file has no column "{column}" (its columns are {listed})',
                                   name=name, column=column, listed=listed))
        chosen[name], how[name] = found, "map"
    taken = set(chosen.values())
    by_normal: dict[str, list[str]] = {}
    for h in header:
        if h:
            by_normal.setdefault(_normal(h), []).append(h)
    for name, aliases in names.items():
        if name in chosen or how.get(name) == "off":
            continue
        for alias in aliases:
            alike = [h for h in by_normal.get(_normal(alias), ()) if h not in taken]
            if len(alike) > 1:
                raise _ambiguous(header, name, alike)
            column = alike[0] if alike else None
            if column is not None:
                chosen[name], how[name] = column, "name"
                taken.add(column)
                break
    if kind == "orders":
        if "amount" in chosen and how["amount"] == "name" and {"quantity", "unit_price"} <= chosen.keys():
            if how.get("quantity") == "map" or how.get("unit_price") == "map":
                del chosen["amount"]
        if "amount" in chosen:
            for extra in ("quantity", "unit_price"):
                if how.get(extra) == "name":
                    del chosen[extra]
    return Mapping(kind, header, {f: chosen[f] for f in names if f in chosen}, how)


def check_mapping(mapping: Mapping) -> None:
    """Raise ReadError when a required field has no column."""
    _check_required(mapping, ", ".join(f'"{h}"' for h in mapping.header if h))


def _map_table(kind: str, table: Table, overrides: dict[str, str] | None) -> Mapping:
    """:func:`map_columns` for an open table; problems name the header line."""
    try:
        return map_columns(kind, table.header, overrides)
    except ReadError as e:
        line = table.header_line
        message = (Phrase("row {line} (the header): {reason}", line=line, reason=e.reason) if table.unit == "row"
                   else Phrase("line {line} (the header): {reason}", line=line, reason=e.reason))
        raise ReadError(e.reason, line, unit=table.unit, message=message) from None


#: How the command line says to choose a column (the Import screen says it its own way).
USE_MAP = Phrase("use --map FIELD=COLUMN")


def _check_required(mapping: Mapping, listed: str) -> None:
    fields = mapping.fields
    hint = Phrase(" (the file's columns are {columns}; {how})", columns=listed, how=USE_MAP)
    if mapping.kind != "orders":
        if not any(f in fields for f in _MATCH_FIELDS):
            raise ReadError(Phrase("no column to know the customers by was found — a customer id, CRM id, org number "
                                   "or name{hint}", hint=hint))
        return
    if "customer" not in fields:
        raise ReadError(Phrase("no column for the customer id was found{hint}", hint=hint))
    if "date" not in fields:
        raise ReadError(Phrase("no column for the date was found{hint}", hint=hint))
    if "amount" not in fields:
        missing = [f for f in ("quantity", "unit_price") if f not in fields]
        if len(missing) == 2:
            raise ReadError(Phrase("no column for the amount (or quantity and unit_price) was found{hint}", hint=hint))
        if missing:
            raise ReadError(Phrase("there is a column for {present} but none for {absent}{hint}",
                                   present="unit_price" if missing[0] == "quantity" else "quantity", absent=missing[0],
                                   hint=hint))


# --------------------------------------------------------------------------
# Reading rows
# --------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as an id or name: stripped text; whole floats from XLSX without '.0'."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return "" if value is None else str(value).strip()


@dataclass
class _Parser:
    """Turns one row of an order file into (customer, ref, date, amount, name, currency).

    Raises ReadError naming the line and column; returns None for a row
    without a customer id (skipped by design)."""

    table: Table
    mapping: Mapping
    date_order: str
    decimal: str | None
    currency: str
    #: the one currency the file's orders may be in (the book's); None: the first row's
    #: currency (a new book), False: any (the Import screen's preview before a book is known)
    expected: str | None | bool = False
    #: currencies converted to ``expected`` at their rate (``--rate USD=10.45``)
    rates: dict[str, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        m = self.mapping
        self.i_customer = m.index("customer")
        self.i_date = m.index("date")
        self.i_amount = m.index("amount")
        self.i_quantity = m.index("quantity")
        self.i_price = m.index("unit_price")
        self.i_order = m.index("order")
        self.i_name = m.index("customer_name")
        self.i_currency = m.index("currency")
        self._dates: dict[Any, str] = {}
        self._currencies: dict[str, str] = {}
        self._texts: dict[tuple[str, str], str] = {}

    def error(self, line: int, field_name: str, reason: str) -> ReadError:
        return self.table.error(line, self.mapping.fields[field_name], reason)

    def text(self, line: int, field_name: str, value: str) -> str:
        """``value`` (stripped) by the one text rule (domain/text.py), with the field's limit."""
        key = (field_name, value)
        known = self._texts.get(key)
        if known is None:
            known = _clean_cell(self.table, line, self.mapping.fields[field_name], field_name, value)
            self._texts[key] = known
        return known

    def date(self, line: int, value: Any) -> str:
        try:
            return self._dates[value]
        except (KeyError, TypeError):
            pass
        try:
            iso = parse_date(value, self.date_order).isoformat()
        except ValueError as e:
            raise self.error(line, "date", reason_of(e)) from None
        try:
            self._dates[value] = iso
        except TypeError:
            pass
        return iso

    def amount(self, line: int, values: list[Any]) -> Decimal:
        if self.i_amount is not None:
            value = values[self.i_amount]
            if self.decimal != "," and value.__class__ is str and _PLAIN_AMOUNT(value):
                return Decimal(value)  # the common case, without the general rules
            try:
                return parse_amount(values[self.i_amount], self.decimal)
            except ValueError as e:
                raise self.error(line, "amount", reason_of(e)) from None
        try:
            quantity = parse_quantity(values[self.i_quantity], self.decimal)
        except ValueError as e:
            raise self.error(line, "quantity", reason_of(e)) from None
        try:
            price = parse_amount(values[self.i_price], self.decimal)
        except ValueError as e:
            raise self.error(line, "unit_price", reason_of(e)) from None
        total = quantity * price
        if abs(total) >= _LIMIT:
            raise self.table.error(line, None, Phrase(
                "the line amount {quantity} × {price} is too large (amounts must be below 10^13)", quantity=quantity,
                price=price))
        return total

    def currency_of(self, line: int, values: list[Any]) -> str:
        if self.i_currency is None:
            return self.currency
        value = values[self.i_currency]
        known = self._currencies.get(value) if value.__class__ is str else None
        if known is None:
            known = self._currency(line, value)
            if value.__class__ is str:
                self._currencies[value] = known
        return known

    def _currency(self, line: int, value: Any) -> str:
        shown = _text(value)
        code = shown.upper()
        if not code:  # an empty cell: the currency the file was given (the book's)
            if self.currency in self.rates:
                return self.currency
            if self.expected is None:
                self.expected, self._first_currency_line = self.currency, line
            return self.expected if isinstance(self.expected, str) else self.currency
        if not _CURRENCY(code) or not is_currency(code):
            raise self.error(line, "currency", Phrase("{value} is not a currency code (three letters, like SEK)",
                                                      value=f'"{shown[:40]}"'))
        expected = self.expected
        if code in self.rates:
            return code  # converted where the line is read
        if expected is None:
            self.expected, self._first_currency_line = code, line
        elif expected is not False and code != expected:
            if getattr(self, "_first_currency_line", None) is not None:
                reason = Phrase("{code} is not the currency of the file's first orders ({expected}, line {line}): a "
                                "book holds orders in one currency — import them into a book of their own, or convert "
                                "them: --rate {code}=RATE ({expected} for one {code})", code=code,
                                expected=expected, line=self._first_currency_line)
            else:
                reason = Phrase("{code} is not the book's currency ({expected}): a book holds orders in one currency — "
                                "import them into a book of their own, or convert them: --rate {code}=RATE ({expected} "
                                "for one {code})", code=code, expected=expected)
            raise self.error(line, "currency", reason)
        return code

    def __call__(self, line: int, values: list[Any]) -> tuple[str, str | None, str, Decimal, str, str] | None:
        customer = self.text(line, "customer", _text(values[self.i_customer]))
        if not customer:
            return None
        ref = self.text(line, "order", _text(values[self.i_order])) if self.i_order is not None else ""
        name = self.text(line, "customer_name", _text(values[self.i_name])) if self.i_name is not None else ""
        return (
            customer,
            ref or None,
            self.date(line, values[self.i_date]),
            self.amount(line, values),
            name,
            self.currency_of(line, values),
        )


#: How long an imported value may be: the forms' limits (domain/text.py).
_TEXT_LIMITS = {"customer": ID_MAX, "order": ID_MAX, "crm_id": ID_MAX, "org_number": 40}


def _clean_cell(table: Table, line: int, column: str, field_name: str, value: str) -> str:
    """A cell's text by the one text rule, or ReadError naming the line and column."""
    if value.isascii() and value.isprintable() and len(value) <= ID_MAX:
        return value.strip()
    try:
        return clean(value, _TEXT_LIMITS.get(field_name, NAME_MAX), "value")
    except TextError as error:
        if error.code is not None:
            reason = Phrase("the value holds a control character ({code}), which is not text", code=error.code)
        else:
            reason = Phrase("the value is {count} characters; at most {limit} fit", count=f"{error.count:,}",
                            limit=f"{error.limit:,}")
        raise table.error(line, column, reason) from None


def _sample(table: Table, n: int = _SAMPLE_ROWS) -> tuple[list[tuple[int, list[Any]]], Iterator[tuple[int, list[Any]]]]:
    head = list(islice(table.rows, n))
    return head, chain(head, table.rows)


def _detect(mapping: Mapping, head: list[tuple[int, list[Any]]]) -> tuple[str, str | None]:
    """The date order ('dmy'/'mdy') and decimal separator of the file, from its first rows."""
    order = "dmy"
    i_date = mapping.index("date")
    if i_date is not None:
        order = detect_date_order(v[i_date] for _, v in head)
    numeric = [mapping.index(f) for f in ("amount", "quantity", "unit_price")]
    samples = [v[i] for _, v in head for i in numeric if i is not None]
    return order, detect_decimal_separator(samples)


def count_lines(path: str | os.PathLike[str]) -> int | None:
    """How many lines a CSV file has (for a progress bar); None for XLSX or unreadable files."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as raw:
            magic = raw.read(4)
        if magic.startswith(b"PK"):
            return None
        opener = gzip.open if magic.startswith(b"\x1f\x8b") else open
        count = 0
        last = b"\n"
        with opener(name, "rb") as handle:
            while chunk := handle.read(1 << 22):
                count += chunk.count(b"\n")
                last = chunk[-1:]
        return count + (last != b"\n")
    except (OSError, EOFError):
        return None


# --------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """A customer whose revenue class or quadrant changed because of an import."""

    customer_id: int
    source_id: str
    name: str
    revenue_class: tuple[str, str]
    quadrant: tuple[str, str]


@dataclass
class Summary:
    kind: str
    path: str
    format: str
    columns: dict[str, str]
    as_of: dt.date
    dry_run: bool = False
    rows_read: int = 0
    rows_used: int = 0
    orders_new: int = 0
    orders_existing: int = 0
    credit_notes_new: int = 0
    customers_new: int = 0
    customers_updated: int = 0
    customers_existing: int = 0
    contacts_new: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    moves: list[Move] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    safety_copy: str | None = None  # the book as it was before the import, kept next to it
    book: str = ""  # the book's path (for the commands the summary suggests)
    today: dt.date | None = None  # the day the data's age is judged on
    currency: str | None = None  # the currency of the orders imported
    currency_from: str | None = None  # set for a new book: where its currency came from
    newest_order: dt.date | None = None  # the book's newest order after the import
    view_as_of: dt.date | None = None  # the day the app shows the book on after the import
    view_as_of_set: bool = False  # the import changed it (view.as_of)
    proposed: Any = None  # first_day.Thresholds proposed from the book's revenue, or None
    threshold_steps: list[tuple[str, str]] = field(default_factory=list)  # the settings that accept them
    thresholds_before: tuple[int, int] | None = None
    accept_thresholds: bool = False
    thresholds_accepted: bool = False
    proposed_from_potentials: bool = False  # from the potentials' percentiles, else the revenue's Pareto cut-offs
    assessments_new: int = 0  # budgets and loyalties from a customer file
    # a customer file's rows matched to the book (docs/matching.md)
    match_rules: tuple[str, ...] = ()
    matched: int = 0  # rows that are a customer the book had
    matched_by: dict[str, int] = field(default_factory=dict)  # rule → rows it matched
    repeated: int = 0  # rows of a new customer an earlier row of the file made already
    skipped_rows: list[tuple[int, str]] = field(default_factory=list)  # line, reason

    def as_json(self) -> dict[str, Any]:
        """A customer import's summary for scripts: ``rows`` read, ``matched`` (rows that are a
        customer the book had), ``new`` (customers made), ``skipped`` (rows), and why."""
        return {
            "rows": self.rows_read,
            "matched": self.matched,
            "new": self.customers_new,
            "skipped": self.rows_read - self.rows_used,
            "updated": self.customers_updated,
            "unchanged": self.customers_existing,
            "repeated": self.repeated,
            "matched_by": dict(self.matched_by),
            "match": list(self.match_rules),
            "skipped_rows": [{"line": line, "reason": reason} for line, reason in self.skipped_rows],
            "contacts_new": self.contacts_new,
            "assessments_new": self.assessments_new,
            "columns": dict(self.columns),
            "dry_run": self.dry_run,
        }

    @property
    def assessed_on(self) -> dt.date:
        """The day a customer file's budgets and loyalties are dated: today, or the day
        the book is shown on when that is earlier (they count on the board shown)."""
        today = self.today or clock.today()
        return min(today, self.as_of)

    def first_day_lines(self) -> list[str]:
        """What a new or old-data book needs said: its currency, the day it is shown
        on, and the thresholds proposed from its own figures (docs/first-day.md); in the
        language in use."""
        out = []
        n, day = i18n.number, i18n.day
        if self.currency_from:
            said_from = said(self.currency_from)
            if self.dry_run:
                line = _("Currency: {currency} (from {source}) — would be the book's currency")
            else:
                line = _("Currency: {currency} (from {source}) — the book's currency from now on")
            out.append(line.format(currency=self.currency, source=said_from))
        newest, view, today = self.newest_order, self.view_as_of, self.today or clock.today()
        from segtui.domain.first_day import data_is_old

        if newest is not None and data_is_old(newest, today):
            if view == newest:
                line = (_("Newest order {day} — more than a month before today: the book would be shown as of that day "
                          "(view.as_of); d on the board changes it") if self.dry_run else
                        _("Newest order {day} — more than a month before today: the book is shown as of that day "
                          "(view.as_of); d on the board changes it"))
                out.append(line.format(day=day(newest)))
            else:
                out.append(_("Newest order {day} — more than a month before today: as of {view} customers look lapsed; "
                             "segtui settings {book} view.as_of {newest} shows the book as of that day").format(
                    day=day(newest), view=day(view or today), book=_quoted(self.book), newest=newest.isoformat()))
        if self.proposed is not None:
            a, b = self.proposed
            cur = self.currency or ""
            before = self.thresholds_before or (0, 0)
            if self.proposed_from_potentials:
                line = _("Proposed class thresholds, from the book's own potentials (a fifth of them reach B, a "
                         "twentieth A): A above {a} {currency}, B from {b} {currency} (now {a_now} and {b_now})")
            else:
                line = _("Proposed class thresholds, from this book's own revenue (the Pareto A and B cut-offs): "
                         "A above {a} {currency}, B from {b} {currency} (now {a_now} and {b_now})")
            out.append(line.format(a=n(a), b=n(b), currency=cur, a_now=n(before[0]), b_now=n(before[1])))
            if self.thresholds_accepted:
                out.append("  " + (_("accepted (--accept-thresholds)") if not self.dry_run
                                   else _("would be accepted (--accept-thresholds)")))
            else:
                out.append("  " + _("to accept: {commands}  (or import with --accept-thresholds)").format(
                    commands=f"segtui settings {_quoted(self.book)} " + " ".join(
                        f"{key} {value}" for key, value in self.threshold_steps)))
        return out

    def lines(self, moves_shown: int = 20) -> list[str]:
        """The summary for people, one statement a line, in the language in use."""
        from segtui.domain.matching import RULE_WORDS
        from segtui.domain.segments import QUADRANT_LABELS, Quadrant

        n = i18n.number
        name = os.path.basename(self.path)
        head = (_("Would import {kind} from {file} — {format}") if self.dry_run
                else _("Imported {kind} from {file} — {format}"))
        kind = _("orders") if self.kind == "orders" else _("customers")
        out = [head.format(kind=kind, file=name, format=said(self.format))]
        out.append(_("Columns used: {columns}").format(columns=", ".join(f'{f} ← "{c}"' for f, c in self.columns.items())))
        out.extend(said(note) for note in self.notes)
        skipped = ""
        if self.skipped:
            skipped = _("; skipped {reasons}").format(
                reasons=", ".join(f"{n(c)} ({said(reason)})" for reason, c in self.skipped.items()))
        out.append(_("Rows: {read} read, {used} used").format(read=n(self.rows_read), used=n(self.rows_used)) + skipped)
        if self.kind == "orders":
            credit = (" (" + i18n.ngettext("{count} credit note", "{count} credit notes", self.credit_notes_new).format(
                count=n(self.credit_notes_new)) + ")") if self.credit_notes_new else ""
            out.append(_("Orders: {new} new{credit}, {existing} already in the book").format(
                new=n(self.orders_new), credit=credit, existing=n(self.orders_existing)))
            out.append(_("Customers: {new} new").format(new=n(self.customers_new)))
        else:
            if self.match_rules and (self.match_rules != ("customer",) or self.matched_by.get("merged")):
                by = ", ".join(_("{count} by {rule}").format(count=n(c), rule=_(RULE_WORDS[r]))
                               for r, c in self.matched_by.items() if c)
                out.append(_("Matched {count} rows to customers in the book{by}; tried {rules}").format(
                    count=n(self.matched), by=f" ({by})" if by else "",
                    rules=_(", then ").join(_(RULE_WORDS[r]) for r in self.match_rules)))
            out.append(_("Customers: {new} new, {updated} updated, {unchanged} unchanged; contacts: {contacts} new").format(
                new=n(self.customers_new), updated=n(self.customers_updated), unchanged=n(self.customers_existing),
                contacts=n(self.contacts_new)))
            for line, reason in self.skipped_rows[:moves_shown]:
                out.append("  " + _("skipped line {line}: {reason}").format(line=line, reason=said(reason)))
            if len(self.skipped_rows) > moves_shown:
                out.append("  " + _("… and {count} more skipped").format(count=n(len(self.skipped_rows) - moves_shown)))
            if "budget" in self.columns or "loyalty" in self.columns:
                out.append(_("Assessments: {count} new (budgets and loyalty from the file, dated {day}, by {file})").format(
                    count=n(self.assessments_new), day=i18n.day(self.assessed_on), file=name))

        def label(q: str) -> str:
            return _(QUADRANT_LABELS[Quadrant(q)])

        if self.moves:
            out.append(_("Revenue class or quadrant changed (as of {day}) for {count} customers:").format(
                day=i18n.day(self.as_of), count=n(len(self.moves))))
            for m in self.moves[:moves_shown]:
                parts = []
                if m.revenue_class[0] != m.revenue_class[1]:
                    parts.append(_("class {before} → {after}").format(before=m.revenue_class[0], after=m.revenue_class[1]))
                if m.quadrant[0] != m.quadrant[1]:
                    parts.append(f"{label(m.quadrant[0])} → {label(m.quadrant[1])}")
                out.append(f"  {m.source_id:<10} {m.name[:36]:<36} {', '.join(parts)}")
            if len(self.moves) > moves_shown:
                out.append("  " + _("… and {count} more").format(count=n(len(self.moves) - moves_shown)))
        else:
            out.append(_("No existing customer changed revenue class or quadrant (as of {day}).").format(
                day=i18n.day(self.as_of)))
        out.extend(self.first_day_lines())
        if self.dry_run:
            out.append(_("Dry run: nothing was written."))
        return out

    def text(self) -> str:
        return "\n".join(self.lines())


def _quoted(path: str) -> str:
    import shlex

    return shlex.quote(path) if path else "BOOK"


@contextlib.contextmanager
def _big_cache(conn) -> Iterator[None]:
    """A larger page cache while a big import writes its indexes (32 MB at most, as needed: the
    orders arrive customer by customer, so the pages being written are few at a time)."""
    old = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute("PRAGMA cache_size = -32768")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {int(old)}")  # sql-safe: a number


@contextlib.contextmanager
def _checked_by_construction(book) -> Iterator[None]:
    """Foreign keys unchecked for the one transaction that writes the orders (not
    settable inside a transaction, so around it, holding the book's lock): every
    customer_id written is taken from the customer table in that transaction, so
    the check per order would only repeat what is true by construction."""
    with book.lock:
        conn = book.conn
        was = conn.execute("PRAGMA foreign_keys").fetchone()[0]
        conn.execute("PRAGMA foreign_keys = OFF")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA foreign_keys = {1 if was else 0}")  # sql-safe: a number


class CurrencyNeeded(ReadError):
    """A new book and a file that does not say its currency: ask once (``--currency``)."""


class _DryRun(Exception):
    """Raised inside the transaction of a dry run to roll everything back."""


def _standing(book, as_of: dt.date) -> dict[int, tuple[str, str, str, str]]:
    """Each customer's (source id, name, revenue class, quadrant)."""
    from segtui.store.segments import segment_book

    return {
        r.id: (r.source_id, r.name, r.segment.revenue_class, r.segment.quadrant.value)
        for r in segment_book(book, as_of, trends=False)  # moves are classes and quadrants: no trend
    }


def _moves(before: dict, after: dict) -> list[Move]:
    moves = []
    for cid, (source_id, name, abc, quadrant) in after.items():
        old = before.get(cid)
        if old is None or (old[2], old[3]) == (abc, quadrant):
            continue
        moves.append(Move(cid, source_id, name, (old[2], abc), (old[3], quadrant)))
    moves.sort(key=lambda m: (m.name.casefold(), m.customer_id))
    return moves


Progress = Callable[[int, "int | None"], None]


# --------------------------------------------------------------------------
# Orders
# --------------------------------------------------------------------------


def import_orders(
    book,
    path: str | os.PathLike[str],
    mapping: dict[str, str] | None = None,
    *,
    sheet: str | None = None,
    dry_run: bool = False,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    currency: str | None = None,
    ask_currency: bool = False,
    accept_thresholds: bool = False,
    today: dt.date | None = None,
    rates: dict[str, Decimal] | None = None,
) -> Summary:
    """Import an order file into ``book`` (all or nothing); see the module docstring.

    ``currency``: what the file's amounts are in when it has no currency column
    (a new book takes it as its currency; a book with orders refuses another);
    ``ask_currency``: raise :class:`CurrencyNeeded` instead of taking the book's
    currency for a new book when neither the file nor ``currency`` says it.
    Orders in a currency other than the book's are refused at their line.
    ``rates`` ({"USD": Decimal("10.45")}) converts orders in those currencies to the
    book's (``--rate``): each line's amount times the rate, summed as the file's lines are.
    ``accept_thresholds`` stores the proposed class thresholds (docs/first-day.md);
    ``today`` is the day the data's age is judged on (default: the clock).

    Raises ReadError (bad file or row; nothing written) or BookError."""
    today = today or clock.today()
    as_of = as_of or today
    settings = book.settings()
    book_currency = settings.get("currency", "SEK")
    if currency is not None:
        code = currency.strip().upper()
        if not _CURRENCY(code) or not is_currency(code):
            raise ReadError(Phrase('"{currency}" is not a currency code (three letters, like GBP or SEK)',
                                   currency=currency))
        currency = code
    had_orders = bool(book.scalar('SELECT EXISTS (SELECT 1 FROM "order")'))
    table = open_table(path, sheet=sheet)
    staged = _Staged(book)
    try:
        with table:
            columns = _map_table("orders", table, mapping)
            has_column = "currency" in columns.fields
            rates = dict(rates or {})
            if had_orders and currency is not None and currency != book_currency and currency not in rates:
                raise ReadError(Phrase("the book's orders are in {book_currency}, not {currency}: a book holds orders "
                                       "in one currency — import these into a book of their own",
                                       book_currency=book_currency, currency=currency))
            if not had_orders and not has_column and currency is None and ask_currency:
                raise CurrencyNeeded(Phrase(
                    "the file does not say which currency its amounts are in (no currency column): say it once for "
                    "this new book, e.g. --currency GBP (or {book_currency}, EUR …)", book_currency=book_currency))
            given = currency or book_currency
            # with rates, the currency converted to is fixed: the book's (or, for a new book, the one given)
            target = book_currency if had_orders or given in rates else given
            if target in rates:
                raise ReadError(Phrase("--rate {code}=…: {code} is the currency the orders are converted to", code=target))
            head, rows = _sample(table)
            date_order, decimal = _detect(columns, head)
            expected = target if had_orders or rates else None
            parse = _Parser(table, columns, date_order, decimal, given, expected=expected, rates=rates)
            summary = Summary("orders", os.fspath(path), table.format, dict(columns.fields), as_of, dry_run)
            summary.book = book.path
            summary.today = today
            if any("/" in str(v[columns.index("date")]) for _, v in head[:200]):
                summary.notes.append(Phrase("Dates read as month/day/year") if date_order == "mdy"
                                     else Phrase("Dates read as day/month/year"))
            total = count_lines(path) if progress else None
            _stage_orders(staged, parse, rows, summary, progress, total)
        for code, lines in sorted(staged.converted.items()):
            summary.notes.append(plural_phrase("{count} line in {code} converted at {rate} {currency} for one {code} (--rate)",
                                               "{count} lines in {code} converted at {rate} {currency} for one {code} "
                                               "(--rate)", lines, code=code, rate=rates[code], currency=parse.expected))
        summary.currency = parse.expected if isinstance(parse.expected, str) else given
        if not had_orders and summary.currency != book_currency:
            summary.currency_from = (Phrase('the file\'s "{column}" column', column=columns.fields["currency"])
                                     if has_column else Phrase("the currency given"))
        summary.accept_thresholds = accept_thresholds
        _write_orders(book, staged, summary, as_of)
    finally:
        staged.drop()
    return summary


# Orders are read into a temporary table of the book's connection (its own
# file, never the book), one row a line with its amount in units of 1/10,000,
# so memory stays small however long the file is; SQLite then sums the lines
# of each order.  The book itself is only written in the final transaction,
# after every row has been checked.
#
# A row of the temporary table is (customer, key, line, date, units), all
# values of plain types (binding None is slow): ``line`` is negative for an
# order keyed on its day ('d:'/'c:' + date), positive for one with an order
# id; a line in another currency than its customer's first line has that
# currency after its date; ``units`` is the amount's exact text when it is
# finer than 1/10,000.  Such customers are summed line by line in Python.
_LINES = "temp.segtui_import_line"
_IDS = "temp.segtui_import_customer"
_UNITS = 10_000  # a line's amount in 1/10,000 of the currency when that is exact
_UNITS_LIMIT = AMOUNT_LIMIT * _UNITS
_SCALE = (_UNITS, 1000, 100, 10, 1)  # units of an amount with 0 … 4 decimals


class _Staged:
    """What was read: the lines in the temporary table, customers and names here."""

    def __init__(self, book) -> None:
        self.book = book
        self.customers: dict[str, int] = {}  # source id → index in the temporary tables
        self.currencies: list[str] = []  # each customer's currency (its first line's)
        self.names: dict[str, str] = {}
        self.places: dict[str, tuple[str, str]] = {}  # customer → (city, country), its first row that has one
        self.replayed: dict[tuple[int, int, str], list[Any]] = {}  # orders summed here, not by SQLite
        self.closer: list[int] = []  # customers whose orders are in ``replayed``
        self.tiny = False  # a line without an order id is below half a cent (its day's orders may be 0 both)
        self.converted: dict[str, int] = {}  # currency → lines converted at its rate
        self.created = False

    def create(self) -> None:
        with self.book.lock:
            conn = self.book.conn
            self._drop(conn)
            self.created = True
            conn.execute("PRAGMA temp.cache_size = -16384")
            # sql-safe: our own table names and integers, never values from the file
            conn.execute(f"CREATE TABLE {_LINES} (cust INTEGER, key TEXT, line INTEGER, date TEXT, units)")

    def drop(self) -> None:
        if self.created:
            with self.book.lock:
                self._drop(self.book.conn)
            self.created = False

    @staticmethod
    def _drop(conn) -> None:
        for name in (_LINES, _IDS):
            conn.execute(f"DROP TABLE IF EXISTS {name}")  # sql-safe: our own constant names


def _stage_orders(staged: _Staged, parse: _Parser, rows, summary: Summary, progress, total) -> None:
    """Check every row and keep it in the temporary table (see :class:`_Staged`).

    Raises ReadError for the first bad row (nothing is kept). Orders whose
    lines need exact decimal sums or a closer check (a customer with lines in
    two currencies, or huge amounts) are summed here, in file order, with the
    same checks and messages as line by line."""
    staged.create()
    book, conn = staged.book, staged.book.conn
    customers = staged.customers
    names = staged.names
    places = staged.places
    i_city, i_country = parse.mapping.index("city"), parse.mapping.index("country")
    placed = i_city is not None or i_country is not None
    first_currency = staged.currencies
    absolute = 0  # the sum of all amounts, without their signs, in units
    seen_currencies = parse._currencies
    closer: set[int] = set()  # customers whose orders are summed and checked here
    dates = parse._dates
    date_of = parse.date
    i_customer, i_date, i_amount, i_order, i_name = (
        parse.i_customer, parse.i_date, parse.i_amount, parse.i_order, parse.i_name,
    )
    fast_amount = i_amount is not None and parse.decimal != ","
    line_amount = parse.amount
    currency_of = parse.currency_of
    text_of = parse.text
    fixed_currency = parse.currency if parse.i_currency is None else None
    i_currency = parse.i_currency
    rates = parse.rates
    converted = staged.converted
    state = {"read": 0, "skipped": 0, "done": False}

    def lines() -> Iterator[tuple]:
        nonlocal absolute
        read = state["read"]
        skipped = 0
        try:
            for line, values in rows:
                read += 1
                if progress is not None and read % _PROGRESS_EVERY == 0:
                    progress(line, total)
                value = values[i_customer]
                customer = value.strip() if value.__class__ is str else _text(value)
                if len(customer) > ID_MAX or not (customer.isascii() and customer.isprintable()):
                    customer = text_of(line, "customer", customer)
                if not customer:
                    skipped += 1
                    continue
                if i_order is not None:
                    value = values[i_order]
                    ref = value.strip() if value.__class__ is str else _text(value)
                    if len(ref) > ID_MAX or not (ref.isascii() and ref.isprintable()):
                        ref = text_of(line, "order", ref)
                else:
                    ref = ""
                if i_name is not None:
                    value = values[i_name]
                    name = value.strip() if value.__class__ is str else _text(value)
                    if name:
                        names[customer] = text_of(line, "customer_name", name)
                if placed and customer not in places:
                    city = text_of(line, "city", _text(values[i_city])) if i_city is not None else ""
                    country = text_of(line, "country", _text(values[i_country])) if i_country is not None else ""
                    if city or country:
                        places[customer] = (city, country)
                value = values[i_date]
                date = dates.get(value) if value.__class__ is str else None
                if date is None:
                    date = date_of(line, value)
                value = values[i_amount] if i_amount is not None else None
                if fast_amount and value.__class__ is str and _PLAIN_AMOUNT(value):
                    whole, dot, frac = value.partition(".")
                    units = int(whole + frac) * _SCALE[len(frac)] if dot else int(whole) * _UNITS
                    negative = units < 0
                else:
                    amount = line_amount(line, values)
                    negative = amount < 0
                    if amount.as_tuple().exponent >= -4:  # type: ignore[operator]
                        units = int(amount.scaleb(4))
                    else:
                        units = str(amount)  # summed exactly, in _replay
                if fixed_currency is None:
                    currency = seen_currencies.get(values[i_currency]) or currency_of(line, values)
                else:
                    currency = fixed_currency
                if rates and currency in rates:
                    base = Decimal(units).scaleb(-4) if units.__class__ is int else Decimal(units)
                    amount = base * rates[currency]
                    if abs(amount) >= _LIMIT:
                        raise parse.table.error(line, None, f"{base} {currency} at {rates[currency]} is too large "
                                                            "(amounts must be below 10^13)")
                    units = int(amount.scaleb(4)) if amount.as_tuple().exponent >= -4 else str(amount)  # type: ignore[operator]
                    converted[currency] = converted.get(currency, 0) + 1
                    currency = parse.expected
                index = customers.get(customer)
                if index is None:
                    index = customers[customer] = len(first_currency)
                    first_currency.append(currency)
                if units.__class__ is int:
                    absolute += -units if negative else units
                else:
                    closer.add(index)
                if currency is not first_currency[index] and currency != first_currency[index]:
                    closer.add(index)
                    date += currency
                if ref:
                    yield index, ref, line, date, units
                else:
                    if units.__class__ is not int or -50 < units < 50:
                        staged.tiny = True
                    yield index, ("c:" if negative else "d:") + date[:10], -line, date, units
            state["done"] = True
        finally:
            state["read"] = read
            state["skipped"] += skipped

    # sql-safe: our own table names and integers, never values from the file
    insert = f"INSERT INTO {_LINES} VALUES (?, ?, ?, ?, ?)"
    source = lines()
    while not state["done"]:
        with book.lock:  # a batch at a time: other threads may use the book in between
            conn.execute("BEGIN")
            try:
                conn.executemany(insert, islice(source, _BATCH))
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
    read = state["read"]
    if progress is not None:
        progress(total or read, total)
    summary.rows_read = read
    summary.rows_used = read - state["skipped"]
    if state["skipped"]:
        summary.skipped[Phrase("no customer id")] = state["skipped"]
    if absolute >= _UNITS_LIMIT:
        # some order may add up to too much: sum the orders of the customers with
        # that much (or near it; float sums) line by line, with their checks
        with book.lock:
            closer.update(i for i, in conn.execute(
                # sql-safe: our own table names and integers, never values from the file
                f"SELECT cust FROM {_LINES} WHERE typeof(units) = 'integer' GROUP BY cust "
                "HAVING total(abs(units)) >= ?", (_UNITS_LIMIT / 2,)
            ))
    staged.closer = sorted(closer)
    if closer:
        with book.lock:
            staged.replayed = _replay(conn, parse, staged)


def _replay(conn, parse: _Parser, staged: _Staged) -> dict[tuple[int, int, str], list[Any]]:
    """Sum the orders of the ``closer`` customers line by line, in file order, with every check:
    {(customer index, has an order id, key): [ref, date, amount (Decimal), currency, line]}."""
    orders: dict[tuple[int, int, str], list[Any]] = {}
    wanted = ",".join(map(str, staged.closer))  # sql-safe: integers of ours
    currencies = staged.currencies
    scale = Decimal(1).scaleb(-4)
    for cust, key, line, date, units in conn.execute(
        # sql-safe: our own table names and integers, never values from the file
        f"SELECT cust, key, line, date, units FROM {_LINES} WHERE cust IN ({wanted}) ORDER BY abs(line)"
    ):
        amount = Decimal(units) if units.__class__ is str else Decimal(units) * scale
        currency = date[10:] or currencies[cust]
        date = date[:10]
        r = int(line > 0)
        line = abs(line)
        ref = key if r else None
        entry = orders.get((cust, r, key))
        if entry is None:
            orders[(cust, r, key)] = [ref, date, amount, currency, line]
            continue
        if date < entry[1]:
            entry[1] = date
        entry[2] += amount
        if currency != entry[3]:
            raise parse.error(line, "currency", Phrase(
                "order {order} has lines in {first} (line {line}) and {currency}", order=ref, first=entry[3],
                line=entry[4], currency=currency) if ref else Phrase(
                "order of {day} has lines in {first} (line {line}) and {currency}", day=date, first=entry[3],
                line=entry[4], currency=currency))
        if abs(entry[2]) >= _LIMIT:
            raise parse.table.error(line, None, Phrase("the order's total is too large (amounts must be below 10^13)"))
    return orders


#: The book's customers by their ERP id, with the ids of customers merged into others
#: (docs/duplicates.md): their orders go to the kept customer, they never come back.
_KNOWN_CUSTOMERS = (
    "SELECT source_id, id FROM customer UNION ALL SELECT source_id, customer_id FROM customer_alias "
    "WHERE source_id NOT IN (SELECT source_id FROM customer)"
)


def _write_orders(book, staged: _Staged, summary: Summary, as_of: dt.date) -> None:
    today = (summary.today or clock.today()).isoformat()
    names = staged.names
    try:
        with _checked_by_construction(book), book.transaction() as conn, _big_cache(conn):
            start = conn.total_changes
            had_customers = bool(conn.execute("SELECT EXISTS (SELECT 1 FROM customer)").fetchone()[0])
            before = _standing(book, as_of) if had_customers else {}  # in a new book nobody can move
            had_orders = bool(conn.execute('SELECT EXISTS (SELECT 1 FROM "order")').fetchone()[0])
            old_newest = conn.execute('SELECT max(date) FROM "order"').fetchone()[0] if had_orders else None
            known = dict(conn.execute(_KNOWN_CUSTOMERS))
            new_customers = sorted(staged.customers.keys() - known.keys())
            conn.executemany(
                "INSERT INTO customer (source_id, name, created) VALUES (?, ?, ?)",
                ((c, names.get(c) or c, today) for c in new_customers),
            )
            summary.customers_new = len(new_customers)
            if new_customers:
                known = dict(conn.execute(_KNOWN_CUSTOMERS))
            added = set(new_customers)  # a set: `in` on the list was quadratic (4 s at 20,000 customers)
            named = [(name, c) for c, name in names.items() if c not in added]
            if named:
                conn.executemany(
                    "UPDATE customer SET name = ? WHERE source_id = ? AND (name = '' OR name = source_id)", named
                )
            if staged.places:
                # a city or country only where the book has none: never blanks or replaces a value
                conn.executemany(
                    "UPDATE customer SET city = ? WHERE source_id = ? AND ? <> '' AND coalesce(city, '') = ''",
                    ((city, c, city) for c, (city, _) in staged.places.items() if city),
                )
                if "country" in _customer_columns(conn):
                    conn.executemany(
                        "UPDATE customer SET country = ? WHERE source_id = ? AND coalesce(country, '') = ''",
                        ((country, c) for c, (_, country) in staged.places.items() if country),
                    )
                elif any(country for _, country in staged.places.values()):
                    summary.notes.append(Phrase("Countries not kept (this book has no place for them yet)"))
            # sql-safe: our own table names and integers, never values from the file
            conn.execute(f"CREATE TABLE {_IDS} (cust INTEGER PRIMARY KEY, customer_id INTEGER, currency TEXT)")
            currencies = staged.currencies
            scratch = conn.total_changes
            conn.executemany(
                # sql-safe: our own table names and integers, never values from the file
                f"INSERT INTO {_IDS} VALUES (?, ?, ?)",
                ((i, known[c], currencies[i]) for c, i in staged.customers.items()),
            )
            scratch = conn.total_changes - scratch  # rows of the import's own temporary table
            last = conn.execute('SELECT coalesce(max(id), 0) FROM "order"').fetchone()[0]
            before_changes = conn.total_changes
            skip = ",".join(map(str, staged.closer))  # sql-safe: integers of ours
            # one row an order, in the order of the customers' lines in the file
            grouped = (
                # sql-safe: our own table names and integers, never values from the file
                f"SELECT cust, key, line > 0 AS r, min(date) AS date, sum(units) AS units FROM {_LINES} "
                f"WHERE cust NOT IN ({skip}) GROUP BY cust, key, line > 0"
            )
            # halves away from zero: SQLite's integer division truncates toward zero
            conn.execute(
                # sql-safe: our own table names and integers, never values from the file
                'INSERT OR IGNORE INTO "order" (customer_id, order_ref, order_key, date, amount, currency) '
                "SELECT m.customer_id, CASE WHEN g.r THEN g.key END, CASE WHEN g.r THEN g.key ELSE 'd:' || g.date END, "
                "g.date, CASE WHEN g.units >= 0 THEN (g.units + 50) / 100 ELSE (g.units - 50) / 100 END, m.currency "
                f"FROM ({grouped}) g CROSS JOIN {_IDS} m ON m.cust = g.cust"
            )
            inserted = conn.total_changes - before_changes
            # Within one file orders never collide (one row per key, and a day's
            # credit note differs in sign from its order, unless both round to 0):
            # into a book without orders every one is new. Otherwise count them.
            if had_orders or staged.tiny:
                # sql-safe: our own table names and integers, never values from the file
                groups = conn.execute(f"SELECT count(*) FROM ({grouped})").fetchone()[0]
            else:
                groups = inserted
            # sql-safe: our own table names and integers, never values from the file
            ids = dict(conn.execute(f"SELECT cust, customer_id FROM {_IDS}"))
            rows = [
                (ids[cust], ref, ref if ref is not None else "d:" + date, date, to_minor(amount), currency)
                for (cust, _r, _key), (ref, date, amount, currency, _line) in staged.replayed.items()
            ]
            rows.sort(key=_index_order)
            before_changes = conn.total_changes
            conn.executemany(
                'INSERT OR IGNORE INTO "order" (customer_id, order_ref, order_key, date, amount, currency) '
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            inserted += conn.total_changes - before_changes
            summary.orders_new = inserted
            summary.orders_existing = groups + len(staged.replayed) - inserted
            summary.credit_notes_new = conn.execute(
                'SELECT count(*) FROM "order" WHERE id > ? AND amount < 0', (last,)
            ).fetchone()[0]
            summary.moves = _moves(before, _standing(book, as_of)) if before else []
            _first_day(conn, summary, had_orders, old_newest, book)
            if summary.dry_run:
                raise _DryRun
            _keep_safety_copy(book, summary, conn.total_changes - start - scratch, had_customers)
    except _DryRun:
        pass


def _first_day(conn, summary: Summary, had_orders: bool, old_newest: str | None, book=None) -> None:
    """After the orders are written (same transaction): a new book takes the
    file's currency; old data sets the day the book is shown on; thresholds are
    proposed from the book's own potentials, or its revenue (docs/first-day.md)."""
    from segtui.domain import first_day
    from segtui.domain.segments import Config, subtract_months
    from segtui.domain.settings import DEFAULTS, validate_all

    def store(key: str, value: str) -> None:
        conn.execute(
            "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value "
            "WHERE value IS NOT excluded.value",  # the same value again changes nothing
            (key, value),
        )

    settings = {**DEFAULTS, **dict(conn.execute("SELECT key, value FROM setting"))}
    if not had_orders and summary.currency and summary.currency != settings["currency"]:
        store("currency", summary.currency)
        settings["currency"] = summary.currency
    newest_text = conn.execute('SELECT max(date) FROM "order"').fetchone()[0]
    newest = dt.date.fromisoformat(newest_text) if newest_text else None
    summary.newest_order = newest
    today = summary.today or clock.today()
    stored = settings["view.as_of"]
    follows = stored in ("", old_newest or "")  # not a day the rep chose
    view = first_day.view_day(stored, today)
    if newest is not None and follows:
        wanted = newest.isoformat() if first_day.data_is_old(newest, today) else ""
        if wanted != stored:
            store("view.as_of", wanted)
            settings["view.as_of"] = wanted
            summary.view_as_of_set = True
        view = first_day.view_day(wanted, today)
    summary.view_as_of = view
    defaults = all(settings[k] == DEFAULTS[k] for k in ("abc.a_above", "abc.b_from"))
    if had_orders and not defaults:
        return
    config = Config.from_settings(settings)
    start = subtract_months(view, config.window_months).isoformat()
    revenues = dict(conn.execute(
        'SELECT customer_id, sum(amount) FROM "order" WHERE date > ? AND date <= ? GROUP BY customer_id',
        (start, view.isoformat()),
    ))
    potentials: list[int | None] = []
    if book is not None:
        from segtui.domain.segments import potential_in_window
        from segtui.store.segments import segment_book

        potentials = [potential_in_window(c.estimate.budget_per_year, config)
                      if c.estimate is not None and c.estimate.budget_per_year else None
                      for c in segment_book(book, view, trends=False)]
    proposed = first_day.proposed_thresholds(revenues, config, potentials=potentials)
    if proposed is None or (str(proposed.a_above), str(proposed.b_from)) == (settings["abc.a_above"], settings["abc.b_from"]):
        return
    summary.proposed = proposed
    summary.proposed_from_potentials = first_day.enough_potentials(potentials)
    summary.threshold_steps = first_day.threshold_settings(settings, proposed)
    summary.thresholds_before = (int(settings["abc.a_above"]), int(settings["abc.b_from"]))
    if summary.accept_thresholds:
        validate_all({**settings, "abc.a_above": str(proposed.a_above), "abc.b_from": str(proposed.b_from)})
        for key, value in summary.threshold_steps:
            store(key, value)
        summary.thresholds_accepted = True


def _index_order(row: tuple) -> tuple:
    return (row[0], row[2], row[3])


# --------------------------------------------------------------------------
# Customers
# --------------------------------------------------------------------------

_CUSTOMER_COLUMNS = ("name", "org_number", "industry", "city", "postcode", "address", "owner", "crm_id")
# firmographics kept in the customer row when the book has a column for them
_FIRMOGRAPHICS = ("country", "employees", "annual_revenue")
_ASSESSED = ("budget", "loyalty")  # a dated assessment (who: the file), not a column


def _customer_columns(conn) -> set[str]:
    return {row[1] for row in conn.execute("PRAGMA table_info(customer)")}


def _assessment_columns(conn) -> set[str]:
    return {row[1] for row in conn.execute("PRAGMA table_info(assessment)")}


def _typed(table: Table, line: int, column: str, name: str, value: str) -> Any:
    """A budget (minor units), loyalty (0–1), employee count or annual revenue (minor
    units) from its cell; ReadError naming the line and column."""
    from segtui.domain.settings import SettingError, parse_share

    try:
        if name == "loyalty":
            return parse_share(value, N_("the loyalty"))
        if name in ("lat", "lon"):
            number = float(value.strip().replace(",", "."))
            limit = 90 if name == "lat" else 180
            if not -limit <= number <= limit:
                raise ValueError(Phrase('"{value}" is not a latitude (between -{limit} and {limit})', value=value,
                                        limit=limit) if name == "lat" else
                                 Phrase('"{value}" is not a longitude (between -{limit} and {limit})', value=value,
                                        limit=limit))
            return number
        if name == "employees":
            number = parse_quantity(value.replace(" ", ""))
            if number < 0 or number != number.to_integral_value():
                raise ValueError(Phrase("{value} is not a number of employees", value=f'"{value}"'))
            return int(number)
        amount = parse_amount(value)
        if amount < 0:
            raise ValueError(Phrase("{value} is negative: a budget cannot be", value=f'"{value}"') if name == "budget"
                             else Phrase("{value} is negative: a revenue cannot be", value=f'"{value}"'))
        return to_minor(amount)
    except (ValueError, SettingError) as error:
        raise table.error(line, column, reason_of(error)) from None


class NothingMatched(ReadError):
    """A customer file none of whose rows is a customer the book has (a wrong key, or a list of
    prospects): refused unless new customers are asked for (``new=True``, ``--new``). ``rows``:
    the rows used, ``customers``: the book's, ``rules``: what they were matched by."""

    def __init__(self, message: str, rows: int = 0, customers: int = 0, rules: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.rows, self.customers, self.rules = rows, customers, rules


def import_customers(
    book,
    path: str | os.PathLike[str],
    mapping: dict[str, str] | None = None,
    *,
    sheet: str | None = None,
    dry_run: bool = False,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
    match: str | None = None,
    new: bool = False,
) -> Summary:
    """Import a customer file (a CRM export) into ``book``, all or nothing.

    Each row is matched to a customer of the book (docs/matching.md): by the customer id
    when the file has one, else by CRM id, org number, then name and city; ``match`` forces
    one rule. A matched customer gets the file's non-empty values; a row that matches
    nothing is a new customer. A book with customers and a file none of whose rows matches
    one is refused (:class:`NothingMatched`) unless ``new``. A phone, e-mail or contact
    name becomes the primary contact; a budget or loyalty a dated assessment (``today``;
    who: the file)."""
    from segtui.domain.matching import rules_for

    today = today or clock.today()
    as_of = as_of or today
    table = open_table(path, sheet=sheet)
    with table:
        columns = _map_table("customers", table, mapping)
        try:
            rules = rules_for(match, "customer" in columns.fields)
        except ValueError as error:
            raise ReadError(str(error)) from None
        if rules == ("customer",) and "customer" not in columns.fields:
            raise ReadError(Phrase("--match customer: the file has no column for the customer id (use --map "
                                   "customer=COLUMN)"))
        summary = Summary("customers", os.fspath(path), table.format, dict(columns.fields), as_of, dry_run)
        summary.today = today
        summary.match_rules = rules
        index = {f: columns.index(f) for f in columns.fields}
        rows: list[tuple[int, dict[str, Any]]] = []
        total = count_lines(path) if progress else None
        read = 0
        for line, values in table.rows:
            read += 1
            if progress is not None and read % _PROGRESS_EVERY == 0:
                progress(line, total)
            record: dict[str, Any] = {}
            for f, i in index.items():
                value = _clean_cell(table, line, columns.fields[f], f, _text(values[i]))
                if value and f in _TYPED_FIELDS:
                    record[f] = _typed(table, line, columns.fields[f], f, value)
                elif value:
                    record[f] = value
            rows.append((line, record))
        summary.rows_read = read
    matcher = customer_matcher(book, rules)
    records: dict[str, dict[str, Any]] = {}
    spelled: set[str] = set()  # matched by what they are called: the book's spelling of it is kept
    fill_only: dict[str, set[str]] = {}  # fields a merged-away customer's row only fills when empty
    for line, record in rows:
        found = matcher.match(row_of(line, record))
        if found.source_id is None:
            summary.skipped_rows.append((line, found.reason))
            kind = found.reason if found.reason.startswith("no ") else Phrase("not matched: not guessed")
            summary.skipped[kind] = summary.skipped.get(kind, 0) + 1
            continue
        if found.existing:
            if found.by != "customer":
                spelled.add(found.source_id)
            summary.matched += 1
            summary.matched_by[found.by] = summary.matched_by.get(found.by, 0) + 1
        elif found.by == "repeat":
            summary.repeated += 1
        record.pop("customer", None)
        target = records.setdefault(found.source_id, {})
        if found.by == "merged":
            # the row of a customer merged into another: the kept customer keeps what it has (its
            # contact, assessment and place too); the row fills only the master fields it lacks
            for f in _KEPT_ON_MERGED:
                record.pop(f, None)
            for f, value in record.items():
                if f not in target:
                    target[f] = value
                    fill_only.setdefault(found.source_id, set()).add(f)
        else:
            target.update(record)
            fill_only.get(found.source_id, set()).difference_update(record)
    summary.rows_used = read - len(summary.skipped_rows)
    known = matcher.customers
    if known and not new and summary.rows_used and not summary.matched:
        from segtui.domain.matching import RULE_WORDS

        tried = Phrase(RULE_WORDS[rules[-1]])
        for rule in reversed(rules[:-1]):
            tried = Phrase("{first}, then {rest}", first=Phrase(RULE_WORDS[rule]), rest=tried)
        raise NothingMatched(Phrase(
            "none of the file's {rows} rows is one of the book's {customers} customers (matched by {tried}) — a wrong "
            "column, or all new companies? To add them all as new customers, import with --new",
            rows=f"{summary.rows_used:,}", customers=f"{known:,}", tried=tried),
            summary.rows_used, known, rules)
    _write_customers(book, records, summary, as_of, spelled, fill_only)
    return summary


#: What a merged-away customer's row never gives the customer it was merged into.
_KEPT_ON_MERGED = ("contact", "phone", "email", "budget", "loyalty", "lat", "lon")
_ROW_FIELDS = ("customer", "crm_id", "org_number", "name", "city")


def row_of(line: int, record: dict[str, Any]) -> Row:
    """What a row of a customer file says about who it is."""
    from segtui.domain.matching import Row

    return Row(line, *(str(record.get(f) or "") for f in _ROW_FIELDS))


def customer_matcher(book, rules: tuple[str, ...]) -> Matcher:
    """The matcher of a customer file's rows against the book: its customers, and the customers merged
    into them (docs/duplicates.md), whose rows go to the kept customer as their orders do."""
    from segtui.domain.matching import Known, Matcher, Merged
    from segtui.store.duplicates import merged_away

    known = [Known(*r) for r in book.rows("SELECT source_id, crm_id, org_number, name, city FROM customer ORDER BY id")]
    return Matcher(known, rules, [Merged(*r) for r in merged_away(book)])


def _same(name: str, new: Any, old: Any, spelled: bool) -> bool:
    """The file's value says what the book has already: equal, the same org number written
    another way, or — for a customer matched by its name and city — the same name or city
    in other letters or legal form ("ACME Aktiebolag" for "Acme AB")."""
    from segtui.domain.records import city_key, name_key, same_org_number

    if new == old:
        return True
    if old is None or not isinstance(new, str):
        return False
    if name == "org_number":
        return same_org_number(new, old)
    if spelled and name == "name":
        return name_key(new) == name_key(old)
    if spelled and name == "city":
        return city_key(new) == city_key(old)
    return False


_TYPED_FIELDS = frozenset({"budget", "loyalty", "employees", "annual_revenue", "lat", "lon"})


def _write_places(conn, records: dict[str, dict[str, Any]], ids: dict[str, int]) -> None:
    """A latitude and longitude from the file are where the customer is (docs/routes.md), unless
    the rep typed a place; a row with only one of them adds nothing."""
    if "place" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}:
        return
    conn.executemany(
        "INSERT INTO place (customer_id, lat, lon, source) VALUES (?, ?, ?, 'imported') "
        "ON CONFLICT (customer_id) DO UPDATE SET lat = excluded.lat, lon = excluded.lon, source = 'imported', "
        "looked_up = NULL WHERE place.source != 'typed'",
        [(ids[sid], r["lat"], r["lon"]) for sid, r in records.items() if "lat" in r and "lon" in r],
    )


def _write_assessments(conn, records: dict[str, dict[str, Any]], ids: dict[str, int], summary: Summary,
                       today: str) -> None:
    """A budget or loyalty from the file is a dated assessment (who: the file's name,
    source 'imported' where the book records sources), shown in the customer's
    history. A value equal to the customer's latest assessment adds nothing, so
    importing the same file again adds nothing."""
    wanted = [(sid, r) for sid, r in records.items() if "budget" in r or "loyalty" in r]
    if not wanted:
        return
    latest = {
        row[0]: (row[1], row[2])
        for row in conn.execute(
            "SELECT customer_id, budget_per_year, loyalty_override FROM assessment a WHERE id = ("
            "SELECT b.id FROM assessment b WHERE b.customer_id = a.customer_id ORDER BY b.date DESC, b.id DESC LIMIT 1)"
        )
    }
    who = os.path.basename(summary.path)[:80]
    with_source = "source" in _assessment_columns(conn)
    rows = []
    for source_id, record in wanted:
        cid = ids[source_id]
        old = latest.get(cid, (None, None))
        # what the file does not say is carried over from the latest assessment
        budget = record.get("budget", old[0])
        loyalty = record.get("loyalty", old[1])
        same_loyalty = loyalty == old[1] or (None not in (loyalty, old[1]) and abs(loyalty - old[1]) < 1e-9)
        if budget == old[0] and same_loyalty:
            continue
        rows.append((cid, today, who, budget, loyalty))
    if with_source:
        conn.executemany(
            "INSERT INTO assessment (customer_id, date, who, budget_per_year, loyalty_override, source) "
            "VALUES (?, ?, ?, ?, ?, 'imported')", rows,
        )
    else:
        conn.executemany(
            "INSERT INTO assessment (customer_id, date, who, budget_per_year, loyalty_override) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
    summary.assessments_new = len(rows)


def _keep_safety_copy(book, summary: Summary, written: int, had_customers: bool) -> None:
    """Keep the book as it was before this import next to it — called at the end of the
    import's transaction, before its commit, and only when the import wrote something
    (``written``: the rows it changed in the book), so a file that adds nothing (a header
    only, a re-import) leaves no copy and never rotates an older one out. The copy is read
    through a connection of its own, which sees the book as last committed: the import's
    own changes are not in it (the book is in WAL mode; a book that is not gets the copy
    the same way, as SQLite lets a reader in until the commit). A book with no customers
    yet has nothing worth keeping. A copy that cannot be made stops the import
    (BookError): the transaction is rolled back and nothing is written without one."""
    if summary.dry_run or not written or not had_customers or book.readonly or book.path == ":memory:":
        return
    from segtui.store.backup import backup_before

    copy = backup_before(book.path, Phrase("importing {file}", file=os.path.basename(summary.path)))
    summary.safety_copy = os.fspath(copy) if copy else None


def _write_customers(book, records: dict[str, dict[str, Any]], summary: Summary, as_of: dt.date,
                     spelled: set[str] = frozenset(), fill_only: dict[str, set[str]] | None = None) -> None:
    today = (summary.today or clock.today()).isoformat()
    try:
        with book.transaction() as conn:
            start = conn.total_changes
            had_customers = bool(conn.execute("SELECT EXISTS (SELECT 1 FROM customer)").fetchone()[0])
            kept = _customer_columns(conn)
            columns = (*_CUSTOMER_COLUMNS, *(f for f in _FIRMOGRAPHICS if f in kept))
            left_out = [f for f in _FIRMOGRAPHICS if f in summary.columns and f not in kept]
            if left_out:
                summary.notes.append(Phrase("Not kept (this book has no place for them yet): {fields}",
                                            fields=", ".join(left_out)))
            fields = [f for f in columns if f in summary.columns]
            before = _standing(book, as_of)
            listed = ", ".join(columns)  # sql-safe: column names are ours, never user text
            existing = {
                row[0]: row
                # sql-safe: column names are ours, never user text
                for row in conn.execute(f"SELECT source_id, id, {listed} FROM customer")
            }
            new_rows, updates = [], []
            for source_id, record in records.items():
                old = existing.get(source_id)
                if old is None:
                    new_rows.append((
                        source_id, record.get("name") or source_id, *(record.get(f) for f in columns[1:]), today,
                    ))
                    continue
                current = dict(zip(columns, old[2:]))
                loose = source_id in spelled
                filling = (fill_only or {}).get(source_id, ())
                changed = {f: record[f] for f in fields if f in record and not _same(f, record[f], current[f], loose)
                           and not (f in filling and current[f] not in (None, ""))}
                if changed:
                    updates.append((changed, old[1]))
                else:
                    summary.customers_existing += 1
            marks = ", ".join("?" for _ in range(len(columns) + 2))
            conn.executemany(
                # sql-safe: column names are ours, never user text
                f"INSERT INTO customer (source_id, {listed}, created) VALUES ({marks})",
                new_rows,
            )
            for changed, cid in updates:
                assignments = ", ".join(f"{f} = ?" for f in changed)  # sql-safe: field names are ours, never user text
                conn.execute(f"UPDATE customer SET {assignments} WHERE id = ?", (*changed.values(), cid))
            summary.customers_new = len(new_rows)
            summary.customers_updated = len(updates)
            ids = dict(conn.execute("SELECT source_id, id FROM customer"))
            primary = {
                row[0]: row
                for row in conn.execute("SELECT customer_id, id, name, phone, email FROM contact WHERE is_primary = 1")
            }
            contact_rows, contact_updates = [], []
            for source_id, record in records.items():
                if not any(f in record for f in ("contact", "phone", "email")):
                    continue
                cid = ids[source_id]
                old = primary.get(cid)
                if old is None:
                    name = record.get("contact") or ("Main number" if "phone" in record else record["email"])
                    contact_rows.append((cid, name, record.get("phone"), record.get("email")))
                    continue
                name = record.get("contact") or old[2]
                phone = record.get("phone") or old[3]
                email = record.get("email") or old[4]
                if (name, phone, email) != (old[2], old[3], old[4]):
                    contact_updates.append((name, phone, email, old[1]))
            conn.executemany(
                "INSERT INTO contact (customer_id, name, phone, email, is_primary) VALUES (?, ?, ?, ?, 1)", contact_rows
            )
            conn.executemany("UPDATE contact SET name = ?, phone = ?, email = ? WHERE id = ?", contact_updates)
            summary.contacts_new = len(contact_rows)
            if contact_updates and not summary.customers_updated:
                summary.notes.append(Phrase("{count} primary contacts updated", count=len(contact_updates)))
            # dated the day the book is shown on when that is before today (a book of old
            # orders): an assessment dated after that day would not count on the board
            _write_assessments(conn, records, ids, summary, summary.assessed_on.isoformat())
            _write_places(conn, records, ids)
            summary.moves = _moves(before, _standing(book, as_of))
            if summary.dry_run:
                raise _DryRun
            _keep_safety_copy(book, summary, conn.total_changes - start, had_customers)
    except _DryRun:
        pass


# --------------------------------------------------------------------------
# Preview (the Import screen)
# --------------------------------------------------------------------------


@dataclass
class Preview:
    """The first rows of a file as the importer would read them."""

    path: str
    kind: str
    format: str = ""
    header: list[str] = field(default_factory=list)
    mapping: Mapping | None = None
    rows: list[tuple[int, list[str], str | None]] = field(default_factory=list)  # line, values, error
    error: str | None = None  # the file (or mapping) cannot be imported at all
    date_order: str = "dmy"
    # a customer file previewed against a book: where each row goes (line → the match), the rules
    # tried and how many customers the book has (docs/matching.md)
    matches: dict[int, Match] = field(default_factory=dict)
    match_rules: tuple[str, ...] = ()
    customers: int = 0


def preview(
    path: str | os.PathLike[str],
    kind: str = "orders",
    mapping: dict[str, str] | None = None,
    *,
    sheet: str | None = None,
    rows: int = 20,
    book=None,
    match: str | None = None,
) -> Preview:
    """Open ``path``, map its columns and check its first ``rows`` rows; never raises ReadError.

    A customer file with a ``book`` is matched as :func:`import_customers` would (``match``
    forces a rule): ``matches`` says for each row the customer it is, or that it is new."""
    result = Preview(os.fspath(path), kind)
    try:
        table = open_table(path, sheet=sheet)
    except ReadError as e:
        result.error = e.message
        return result
    with table:
        result.format, result.header = table.format, table.header
        try:
            head = list(islice(table.rows, max(rows, _SAMPLE_ROWS if kind == "orders" else rows)))
        except ReadError as e:
            result.error = e.message
            head = []
        try:
            result.mapping = choose_columns(kind, table.header, mapping)
            check_mapping(result.mapping)
        except ReadError as e:
            result.error = result.error or e.message
            result.rows = [(line, [_text(v) for v in values], None) for line, values in head[:rows]]
            return result
        parse = None
        if kind == "orders":
            result.date_order, decimal = _detect(result.mapping, head)
            parse = _Parser(table, result.mapping, result.date_order, decimal, "SEK")
        for line, values in head[:rows]:
            problem = None
            if parse is not None:
                try:
                    if parse(line, values) is None:
                        problem = Phrase("skipped: {reason}", reason=Phrase("no customer id"))
                except ReadError as e:
                    problem = e.message
            elif "customer" in result.mapping.fields:
                if not _text(values[result.mapping.index("customer")]):
                    problem = Phrase("skipped: {reason}", reason=Phrase("no customer id"))
            elif not any(_text(values[result.mapping.index(f)]) for f in _MATCH_FIELDS if f in result.mapping.fields):
                problem = Phrase("skipped: {reason}", reason=Phrase("no CRM id, org number or name to match on"))
            result.rows.append((line, [_text(v) for v in values], problem))
    if kind == "customers" and book is not None:
        _preview_matches(result, book, match)
    return result


def _preview_matches(result: Preview, book, match: str | None) -> None:
    """Where the previewed rows of a customer file go in ``book`` (the import's own matcher)."""
    from segtui.domain.matching import rules_for

    mapping = result.mapping
    has_customer = "customer" in mapping.fields
    try:
        result.match_rules = rules_for(match, has_customer)
    except ValueError as error:
        result.error = result.error or said(error)
        return
    if result.match_rules == ("customer",) and not has_customer:
        result.error = result.error or Phrase("--match customer: the file has no column for the customer id "
                                              "(use --map customer=COLUMN)")
        return
    matcher = customer_matcher(book, result.match_rules)
    result.customers = matcher.customers
    checked = []
    for line, values, problem in result.rows:
        if problem is None or problem.startswith("skipped"):  # a bad value stops the import: no match
            record = {f: values[mapping.index(f)] for f in _ROW_FIELDS if f in mapping.fields}
            found = result.matches[line] = matcher.match(row_of(line, record))
            if found.source_id is None:  # skipped, as the import skips it
                problem = Phrase("skipped: {reason}", reason=found.reason if found.reason.startswith("no ")
                                 else Phrase("not matched: not guessed"))
        checked.append((line, values, problem))
    result.rows = checked
