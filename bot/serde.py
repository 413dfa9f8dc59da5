"""JSON round trips of the domain dataclasses.

``to_jsonable`` (in ``bot.models``) turns objects into JSON-ready values;
``from_jsonable`` rebuilds them from their type hints, so stored records and the
classes cannot drift apart silently. Compressed blobs keep full article text
small in Redis.
"""

from __future__ import annotations

import functools
import json
import types
import typing
import zlib
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from bot.models import to_jsonable

T = TypeVar("T")


def dumps(obj: Any) -> str:
    return json.dumps(to_jsonable(obj), ensure_ascii=False, separators=(",", ":"))


def loads(cls: type[T], raw: str | bytes) -> T:
    return from_jsonable(cls, json.loads(raw))


def pack(obj: Any) -> bytes:
    """Compressed JSON, for records with article text."""
    return zlib.compress(dumps(obj).encode("utf-8"), 6)


def unpack(cls: type[T], raw: bytes) -> T:
    return loads(cls, zlib.decompress(raw))


def from_jsonable(cls: type[T], value: Any) -> T:
    """Rebuild a value of type ``cls`` from what ``to_jsonable`` produced."""
    return typing.cast(T, _convert(cls, value))


def _convert(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _convert(args[0], value) if len(args) == 1 else value
    if origin is list:
        (item,) = typing.get_args(tp) or (Any,)
        return [_convert(item, v) for v in value]
    if origin is dict:
        _, item = typing.get_args(tp) or (Any, Any)
        return {k: _convert(item, v) for k, v in value.items()}
    if origin is typing.Literal or tp is Any:
        return value
    if isinstance(tp, type) and is_dataclass(tp):
        return _dataclass(tp, value)
    if tp is datetime:
        return datetime.fromisoformat(value)
    if tp is date:
        return date.fromisoformat(value)
    return value


def _dataclass(cls: type, data: dict[str, Any]) -> Any:
    kwargs = {name: _convert(tp, data[name]) for name, tp in _field_types(cls) if name in data}
    return cls(**kwargs)


@functools.cache
def _field_types(cls: type) -> tuple[tuple[str, Any], ...]:
    """Each field's name and resolved type, once per class.

    ``get_type_hints`` compiles every string annotation on each call (they are
    all strings under ``from __future__ import annotations``); uncached it was
    most of the cost of reading a brief's developments (docs/benchmarks.md).
    """
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in fields(cls))
