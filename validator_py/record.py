"""``@record``: the validator's value classes, made without dataclasses' start-up cost.

``dataclasses`` writes each class's ``__init__``, ``__eq__``, ``__hash__`` and ``__repr__`` as source text
and compiles it when the class is made. In the browser that was half of the validator's import on every
cold start: the 29 classes took 76-175 ms of a 164-305 ms import under Node, and the import took 205 ms
(median) in Chromium with them and 106 ms as records (operators/benchmarks.md, issue 16). Here the
methods are written once, shared by every class, and read the class's field list, so making a class costs
a loop over its annotations.

What a record is, as with ``@dataclass(frozen=True)``: fields are the class's own annotations, in order;
``__init__`` takes them positionally or by name, with the defaults given in the class body or by
``field(default_factory=...)``, then calls ``__post_init__`` if the class has one; two records are equal
when they are of the same class with equal fields; a frozen record hashes its fields and refuses
assignment. ``@record(frozen=False)`` makes a mutable one, which is unhashable like a mutable dataclass.
Not supported, because nothing here uses them: inheritance between records, ``ClassVar``, ordering,
keyword-only fields, ``__slots__``. Annotations must stay strings (``from __future__ import
annotations``): they are read, never evaluated, which is also what keeps this fast.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast, dataclass_transform, overload

_C = TypeVar("_C", bound=type)
_T = TypeVar("_T")


class FrozenInstanceError(AttributeError):
    """Assignment to a field of a frozen record (dataclasses raises its own class of the same name)."""


class _Factory:
    """The value ``field(default_factory=...)`` leaves in the class body, replaced when the class is made."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], object]) -> None:
        self.make = make


def field(*, default_factory: Callable[[], _T]) -> _T:
    """A field whose default is made afresh for each record, like a dataclass field's ``default_factory``."""
    return cast("_T", _Factory(default_factory))


_NO_DEFAULT = object()


def _fields(cls: type) -> tuple[tuple[str, object], ...]:
    """``(name, default)`` for each field, the default being ``_NO_DEFAULT`` or a ``_Factory`` where so."""
    namespace = cls.__dict__
    annotations = namespace.get("__annotations__")
    if annotations is None and "__annotate__" in namespace:
        # Python 3.14 keeps unevaluated annotations behind __annotate__; without the __future__ import
        # there is no plain dict to read, and evaluating them here is what this module avoids.
        raise TypeError(f"record {cls.__name__}: its module needs 'from __future__ import annotations'")
    fields: list[tuple[str, object]] = []
    for name in annotations or ():
        default = namespace.get(name, _NO_DEFAULT)
        if default is _NO_DEFAULT and fields and fields[-1][1] is not _NO_DEFAULT:
            raise TypeError(f"record {cls.__name__}: field {name!r} has no default but follows one that has")
        if isinstance(default, _Factory):
            delattr(cls, name)  # as dataclasses does: the class keeps no shared instance of it
        fields.append((name, default))
    return tuple(fields)


def _init(self: Any, *args: object, **kwargs: object) -> None:
    cls = type(self)
    fields: tuple[tuple[str, object], ...] = cls.__record_fields__
    if len(args) > len(fields):
        raise TypeError(f"{cls.__name__}() takes {len(fields)} arguments but {len(args)} were given")
    values = self.__dict__  # written directly: a frozen record's __setattr__ refuses, by design
    for (name, _), value in zip(fields, args, strict=False):
        if name in kwargs:
            raise TypeError(f"{cls.__name__}() got multiple values for argument {name!r}")
        values[name] = value
    for name, default in fields[len(args) :]:
        if name in kwargs:
            values[name] = kwargs.pop(name)
        elif isinstance(default, _Factory):
            values[name] = default.make()
        elif default is _NO_DEFAULT:
            raise TypeError(f"{cls.__name__}() missing required argument {name!r}")
        else:
            values[name] = default
    if kwargs:
        raise TypeError(f"{cls.__name__}() got an unexpected keyword argument {next(iter(kwargs))!r}")
    post_init = getattr(self, "__post_init__", None)
    if post_init is not None:
        post_init()


def _values(self: Any) -> tuple[object, ...]:
    values = self.__dict__
    return tuple(values[name] for name, _ in type(self).__record_fields__)


def _eq(self: object, other: object) -> object:  # a bool, or NotImplemented for another class
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


def _repr(self: Any) -> str:
    values = self.__dict__
    shown = ", ".join(f"{name}={values[name]!r}" for name, _ in type(self).__record_fields__)
    return f"{type(self).__qualname__}({shown})"


def _refuse(self: Any, name: str, *_: object) -> None:
    raise FrozenInstanceError(f"cannot change field {name!r}: {type(self).__name__} is frozen")


_SHARED = {"__init__": _init, "__eq__": _eq, "__repr__": _repr}
_FROZEN = {"__hash__": _hash, "__setattr__": _refuse, "__delattr__": _refuse}
_MUTABLE = {"__hash__": None}  # equal by value yet mutable: not hashable, as with a mutable dataclass


def _make(cls: _C, *, frozen: bool) -> _C:
    methods = {"__record_fields__": _fields(cls), **_SHARED, **(_FROZEN if frozen else _MUTABLE)}
    for name, value in methods.items():
        setattr(cls, name, value)
    return cls


@overload
@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: _C, /) -> _C: ...
@overload
def record(*, frozen: bool = True) -> Callable[[_C], _C]: ...
def record(cls: _C | None = None, /, *, frozen: bool = True) -> _C | Callable[[_C], _C]:
    """Make ``cls`` a record: frozen unless ``frozen=False``."""
    if cls is None:
        return lambda cls: _make(cls, frozen=frozen)
    return _make(cls, frozen=frozen)
