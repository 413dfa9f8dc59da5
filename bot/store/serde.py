"""JSON round trips of the domain dataclasses: the one path for stored records.

``dumps``/``pack`` write a dataclass as compact JSON; ``loads``/``unpack``
rebuild it from its type hints, so stored records and the classes cannot drift
apart silently. Compressed blobs keep full article text small in Redis.
``to_jsonable`` (JSON-ready values) serves the CLI's JSON outputs as well.

A record's fields may be annotated with ``str``, ``int``, ``float``, ``bool``,
``Literal[...]``, ``datetime`` and ``date`` (ISO 8601 strings), nested
dataclasses, ``list[X]``, ``dict[str, X]``, ``tuple[A, B]`` and
``tuple[A, ...]`` (JSON arrays) and ``X | None``. Anything else raises
``TypeError`` when the class is first planned, on its first write or read: a
union of two real types (JSON does not say which one was written), sets,
``Any``, containers without item types, other classes. A record that could not
be read back is never written.
"""

from __future__ import annotations

import functools
import json
import types
import typing
import zlib
from collections.abc import Callable
from dataclasses import MISSING, Field, fields, is_dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T")

# ``field(metadata=NOT_STORED)``: a field that lives elsewhere (another key) or only in
# memory; it is neither written nor read, and takes its default when a record is loaded.
NOT_STORED: dict[str, Any] = {"serde": "not stored"}

_SCALARS = (str, int, float, bool, type(None))


def dumps(obj: DataclassInstance) -> str:
    """``obj`` as compact JSON; its class must be one that ``loads`` can rebuild."""
    _converter(type(obj))
    return json.dumps(to_jsonable(obj), ensure_ascii=False, separators=(",", ":"))


def loads(cls: type[T], raw: str | bytes) -> T:
    return from_jsonable(cls, json.loads(raw))


def pack(obj: DataclassInstance) -> bytes:
    """Compressed JSON, for records with article text."""
    return zlib.compress(dumps(obj).encode("utf-8"), 6)


def unpack(cls: type[T], raw: bytes) -> T:
    return loads(cls, zlib.decompress(raw))


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
    ``None`` stays ``None`` at every level. Raises ``TypeError`` for a type that
    cannot be rebuilt from JSON (see the module docstring).
    """
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return _union_of(tp, args)
    if origin is typing.Literal:
        return _literal_of(tp, args)
    if origin is list and args:
        return _list_of(_converter(args[0]))
    if origin is dict and args:
        return _dict_of(tp, args)
    if origin is tuple and args:
        return _tuple_of(args)
    if tp in _SCALARS:
        return _identity
    if tp is datetime:
        return _optional(datetime.fromisoformat)
    if tp is date:
        return _optional(date.fromisoformat)
    if origin is None and isinstance(tp, type) and is_dataclass(tp):
        return _dataclass_of(tp)
    raise TypeError(f"serde cannot rebuild {_name(tp)} from JSON: {_why(tp, origin)}")


def _why(tp: Any, origin: Any) -> str:
    container = origin or tp
    if container in (set, frozenset):
        return "a set has no JSON form (store a list)"
    if container in (list, dict, tuple):
        return "say what it holds, e.g. list[str], dict[str, int], tuple[str, int]"
    if tp is Any:
        return "Any does not say what to rebuild"
    return "not a supported type (scalars, Literal, date, datetime, dataclasses, list, dict, tuple)"


def _name(tp: Any) -> str:
    if typing.get_origin(tp) is None and isinstance(tp, type):
        return tp.__qualname__
    return repr(tp).replace("typing.", "")


def _union_of(tp: Any, args: tuple[Any, ...]) -> Converter:
    real = [a for a in args if a is not type(None)]
    if len(real) != 1:
        names = " and ".join(_name(a) for a in real)
        raise TypeError(
            f"serde cannot rebuild {_name(tp)} from JSON: a union of {names} "
            "(JSON does not say which one was written; only X | None is supported)"
        )
    return _converter(real[0])


def _literal_of(tp: Any, args: tuple[Any, ...]) -> Converter:
    if not all(isinstance(a, _SCALARS) for a in args):
        raise TypeError(f"serde cannot rebuild {_name(tp)} from JSON: values must be scalars")
    return _identity  # read as stored


def _optional(convert: Converter) -> Converter:
    return lambda value: None if value is None else convert(value)


def _list_of(item: Converter) -> Converter:
    if item is _identity:
        return lambda value: None if value is None else list(value)
    return lambda value: None if value is None else [item(v) for v in value]


def _dict_of(tp: Any, args: tuple[Any, ...]) -> Converter:
    key, value_type = args
    if key is not str:
        raise TypeError(f"serde cannot rebuild {_name(tp)} from JSON: JSON object keys are str")
    item = _converter(value_type)
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
    stored = _stored_fields(cls)
    for f in fields(cls):
        if f not in stored and f.default is MISSING and f.default_factory is MISSING:
            raise TypeError(f"{cls.__qualname__}.{f.name}: a NOT_STORED field needs a default")
    plan = []
    for f in stored:
        try:
            plan.append((f.name, _converter(hints[f.name])))
        except TypeError as exc:
            raise TypeError(f"{cls.__qualname__}.{f.name}: {exc}") from None

    def build(data: Any) -> Any:
        if data is None:
            return None
        return cls(**{name: convert(data[name]) for name, convert in plan if name in data})

    return build
