"""Plain data for the board's cache: dataclasses, NamedTuples, enums, dates and the
containers of them written as JSON and read back by their declared types — never by
anything the file says, so a changed or hostile cache file can at worst be refused."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import sys
import types
import typing
from functools import lru_cache
from typing import Any


def encode(value: Any) -> Any:
    """``value`` as JSON's types (lists, numbers, strings, None): a dataclass or NamedTuple as
    the list of its fields in declared order, a dict as a list of [key, value] pairs."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value.value if isinstance(value, enum.Enum) else value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # its fields in order
        return [encode(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init]
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return [encode(v) for v in value]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return [[encode(k), encode(v)] for k, v in value.items()]
    raise TypeError(f"not plain data: {type(value).__name__}")


class Refused(ValueError):
    """The data does not have the declared shape."""


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    module = sys.modules.get(cls.__module__)
    return typing.get_type_hints(cls, vars(module) if module else None)


def decode(data: Any, kind: Any) -> Any:
    """``data`` (from :func:`encode`) as a value of the declared type ``kind``."""
    return reader(kind)(data)


def _check(kind: type, data: Any) -> Any:
    if type(data) is not kind:
        raise Refused(f"{kind.__name__} was expected, not {type(data).__name__}")
    return data


_PLAIN = (int, str, bool, float, type(None))


def _plain_types(kind: Any) -> tuple[type, ...] | None:
    """The JSON types a value of ``kind`` may have when ``kind`` is int, str, bool, float or
    a union of them (with None); None for anything else."""
    arms = typing.get_args(kind) if typing.get_origin(kind) in (typing.Union, types.UnionType) else (kind,)
    if not all(a in _PLAIN for a in arms):
        return None
    allowed = set(arms)
    if float in allowed:
        allowed.add(int)  # JSON writes 3.0 as 3.0, but a whole number may come as 3
    return tuple(allowed)


@lru_cache(maxsize=None)
def reader(kind: Any):
    """A function that reads data of the declared type ``kind`` (made once per type)."""
    origin = typing.get_origin(kind)
    if kind is Any:
        return lambda data: data
    if origin in (typing.Union, types.UnionType):
        arms = [a for a in typing.get_args(kind) if a is not type(None)]
        optional = len(arms) < len(typing.get_args(kind))
        if len(arms) == 1:
            one = reader(arms[0])
            return (lambda data: None if data is None else one(data)) if optional else one
        readers = [reader(a) for a in arms]

        def either(data: Any) -> Any:
            if data is None and optional:
                return None
            for read in readers:
                try:
                    return read(data)
                except (Refused, TypeError, ValueError, KeyError):
                    continue
            raise Refused(f"none of {kind} fits")
        return either
    if origin is typing.Literal:
        allowed = typing.get_args(kind)

        def literal(data: Any) -> Any:
            if data in allowed:
                return data
            raise Refused(f"{data!r} is not one of {allowed}")
        return literal
    if origin in (tuple, list, set, frozenset, dict):
        args = typing.get_args(kind)

        def listed(data: Any) -> list:
            if type(data) is not list:
                raise Refused(f"a list was expected, not {type(data).__name__}")
            return data
        if origin is dict:
            key, item = (reader(a) for a in (args or (Any, Any)))
            return lambda data: {key(k): item(v) for k, v in listed(data)}
        if origin is tuple and args and not (len(args) == 2 and args[1] is Ellipsis):
            items = [reader(a) for a in args]

            def fixed(data: Any) -> tuple:
                if len(listed(data)) != len(items):
                    raise Refused(f"{len(items)} items were expected, not {len(data)}")
                return tuple(read(v) for read, v in zip(items, data))
            return fixed
        item = reader(args[0]) if args else reader(Any)
        return lambda data: origin(item(v) for v in listed(data))
    if kind is type(None):
        return lambda data: _check(type(None), data)
    if not isinstance(kind, type):
        raise Refused(f"cannot read a {kind!r}")
    if issubclass(kind, enum.Enum):
        return kind
    if issubclass(kind, dt.datetime):
        return lambda data: dt.datetime.fromisoformat(_check(str, data))
    if issubclass(kind, dt.date):
        return lambda data: dt.date.fromisoformat(_check(str, data))
    if kind is float:
        def number(data: Any) -> float:
            if type(data) in (int, float):
                return float(data)
            raise Refused("a number was expected")
        return number
    if kind in (int, str, bool):
        return lambda data: _check(kind, data)
    if dataclasses.is_dataclass(kind) or (issubclass(kind, tuple) and hasattr(kind, "_fields")):
        names = ([f.name for f in dataclasses.fields(kind) if f.init] if dataclasses.is_dataclass(kind)
                 else list(kind._fields))
        hints = _hints(kind)
        # fields of plain JSON types are checked in place (most of a row: far fewer calls)
        fields = [(name, _plain_types(hints[name]), None if _plain_types(hints[name]) else reader(hints[name]))
                  for name in names]
        count = len(fields)

        def record(data: Any) -> Any:
            if type(data) is not list or len(data) != count:
                raise Refused(f"{kind.__name__} was expected (its {count} fields in order)")
            values = []
            for (name, plain_types, read), value in zip(fields, data):
                if plain_types is None:
                    values.append(read(value))
                elif type(value) in plain_types:
                    values.append(float(value) if type(value) is int and float in plain_types else value)
                else:
                    raise Refused(f"{kind.__name__}.{name}: {type(value).__name__} is not {plain_types}")
            return kind(*values)
        return record
    raise Refused(f"cannot read a {kind.__name__}")
