"""JSON round trips of the domain dataclasses: the one path for stored records.

``to_jsonable`` turns objects into JSON-ready values (the CLI's JSON outputs use
it too); ``from_jsonable`` rebuilds them from their type hints, so stored
records and the classes cannot drift apart silently. Compressed blobs keep full
article text small in Redis.
"""

from __future__ import annotations

import functools
import json
import types
import typing
import zlib
from collections.abc import Callable
from dataclasses import Field, fields, is_dataclass
from datetime import date, datetime
from typing import Any, TypeVar

T = TypeVar("T")

# ``field(metadata=NOT_STORED)``: a field that lives elsewhere (another key) or only in
# memory; it is neither written nor read, and takes its default when a record is loaded.
NOT_STORED: dict[str, Any] = {"serde": "not stored"}


def dumps(obj: Any) -> str:
    return json.dumps(to_jsonable(obj), ensure_ascii=False, separators=(",", ":"))


def to_jsonable(obj: Any) -> Any:
    """Dataclasses, dates and datetimes as JSON-ready values (ISO 8601 strings);
    tuples and sets as lists. Fields marked ``NOT_STORED`` are left out."""
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in _stored_fields(obj)}
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set):
        return [to_jsonable(v) for v in obj]
    return obj


def loads(cls: type[T], raw: str | bytes) -> T:
    return from_jsonable(cls, json.loads(raw))


def pack(obj: Any) -> bytes:
    """Compressed JSON, for records with article text."""
    return zlib.compress(dumps(obj).encode("utf-8"), 6)


def unpack(cls: type[T], raw: bytes) -> T:
    return loads(cls, zlib.decompress(raw))


def from_jsonable(cls: type[T], value: Any) -> T:
    """Rebuild a value of type ``cls`` from what ``to_jsonable`` produced."""
    return typing.cast(T, _converter(typing.cast(Any, cls))(value))


Converter = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


@functools.cache
def _converter(tp: Any) -> Converter:
    """The function that rebuilds values of type ``tp``, planned once per type.

    Reading a record then walks its data only: the type hints are resolved and
    dispatched once (uncached, that was most of the cost of reading a brief's
    developments and of an article joining its topic; docs/benchmarks.md).
    ``None`` stays ``None`` at every level.
    """
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _converter(args[0]) if len(args) == 1 else _identity
    if origin is list:
        (item,) = typing.get_args(tp) or (Any,)
        return _list_of(_converter(item))
    if origin is tuple:
        return _tuple_of(typing.get_args(tp))
    if origin is dict:
        _, item = typing.get_args(tp) or (Any, Any)
        return _dict_of(_converter(item))
    if isinstance(tp, type) and is_dataclass(tp):
        return _dataclass_of(tp)
    if tp is datetime:
        return _optional(datetime.fromisoformat)
    if tp is date:
        return _optional(date.fromisoformat)
    return _identity  # str, int, float, bool, Literal, Any


def _optional(convert: Converter) -> Converter:
    return lambda value: None if value is None else convert(value)


def _list_of(item: Converter) -> Converter:
    if item is _identity:
        return lambda value: None if value is None else list(value)
    return lambda value: None if value is None else [item(v) for v in value]


def _dict_of(item: Converter) -> Converter:
    if item is _identity:
        return lambda value: None if value is None else dict(value)
    return lambda value: None if value is None else {k: item(v) for k, v in value.items()}


def _tuple_of(args: tuple[Any, ...]) -> Converter:
    if len(args) == 2 and args[1] is Ellipsis:  # tuple[X, ...]
        item = _converter(args[0])
        return lambda value: None if value is None else tuple(item(v) for v in value)
    plan = [_converter(a) for a in args]  # tuple[A, B]: a JSON array of that length

    def build(value: Any) -> Any:
        if value is None:
            return None
        if len(value) != len(plan):
            raise ValueError(f"expected {len(plan)} items, got {len(value)}")
        return tuple(convert(v) for convert, v in zip(plan, value, strict=True))

    return build


def _stored_fields(obj: Any) -> list[Field[Any]]:
    return [f for f in fields(obj) if f.metadata.get("serde") != NOT_STORED["serde"]]


def _dataclass_of(cls: type) -> Converter:
    hints = typing.get_type_hints(cls)
    plan = [(f.name, _converter(hints[f.name])) for f in _stored_fields(cls)]

    def build(data: Any) -> Any:
        if data is None:
            return None
        return cls(**{name: convert(data[name]) for name, convert in plan if name in data})

    return build
