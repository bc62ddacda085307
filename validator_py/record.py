"""``@record``: the validator's value classes, made without dataclasses' start-up cost.

``dataclasses`` writes each class's ``__init__``, ``__eq__``, ``__hash__`` and ``__repr__`` as source text
and compiles it when the class is made. In the browser that was half of the validator's import on every
cold start: the 29 classes took 76-175 ms of a 164-305 ms import under Node, and the import took 205 ms
(median) in Chromium with them and 106 ms as records (operators/benchmarks.md, issue 16). Here the
methods are written once, shared by every class, and read the class's plan: its field names, each field's
default or factory, and whether it has a ``__post_init__``. The plan is worked out when the class is made
(a loop over its annotations), not on every record, because the validator makes about 160 records a
check: a shared ``__init__`` that looked these up each time was half again as slow as a dataclass's.
``__init__`` takes the calls the validator makes in a step or two: every field by name in the class's
order, every field by position, or by name alone leaving some to their defaults. Any other call, and every
wrong one, goes field by field, which is where the errors are worded.

What a record is, as with ``@dataclass(frozen=True)``: fields are the class's own annotations, in order;
``__init__`` takes them positionally or by name, with the defaults given in the class body or by
``field(default_factory=...)``, then calls ``__post_init__`` if the class had one when it was made; two
records are equal when they are of the same class with equal fields; a frozen record hashes its fields
and refuses assignment. ``@record(frozen=False)`` makes a mutable one, which is unhashable like a mutable
dataclass. Not supported, because nothing here uses them: inheritance between records, ``ClassVar``,
ordering, keyword-only fields, ``__slots__``. Annotations must stay strings (``from __future__ import
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

# (name, default, factory): default is _NO_DEFAULT where the field has none and the _Factory where it has
# one; factory is then that _Factory's function, taken out so that __init__ need not ask which each is.
_Field = tuple[str, object, Callable[[], object] | None]


class _Plan:
    """What the shared methods need of a record class, worked out once, when the class is made."""

    __slots__ = ("defaults", "factories", "fields", "name_set", "names", "post_init", "required")

    def __init__(self, cls: type) -> None:
        self.fields = _fields(cls)
        self.names = tuple(name for name, _, _ in self.fields)
        self.name_set = frozenset(self.names)
        self.required = frozenset(name for name, default, _ in self.fields if default is _NO_DEFAULT)
        # Every field in order, so that a record filled from it then from its call keeps that order; the
        # value is the plain default, or a stand-in that the call or a factory always replaces.
        self.defaults = {name: default for name, default, _ in self.fields}
        self.factories = tuple((name, factory) for name, _, factory in self.fields if factory is not None)
        # Decided when the class is made, as dataclasses does: a __post_init__ added later is not called.
        self.post_init = hasattr(cls, "__post_init__")


def _fields(cls: type) -> tuple[_Field, ...]:
    """Each of the class's fields, in order, as a ``_Field``."""
    namespace = cls.__dict__
    annotations = namespace.get("__annotations__")
    if annotations is None and "__annotate__" in namespace:
        # Python 3.14 keeps unevaluated annotations behind __annotate__; without the __future__ import
        # there is no plain dict to read, and evaluating them here is what this module avoids.
        raise TypeError(f"record {cls.__name__}: its module needs 'from __future__ import annotations'")
    fields: list[_Field] = []
    for name in annotations or ():
        default = namespace.get(name, _NO_DEFAULT)
        if default is _NO_DEFAULT and fields and fields[-1][1] is not _NO_DEFAULT:
            raise TypeError(f"record {cls.__name__}: field {name!r} has no default but follows one that has")
        factory = None
        if isinstance(default, _Factory):
            delattr(cls, name)  # as dataclasses does: the class keeps no shared instance of it
            factory = default.make
        fields.append((name, default, factory))
    return tuple(fields)


def _init(self: Any, *args: object, **kwargs: object) -> None:
    plan: _Plan = type(self).__record_plan__
    # Fields are written to __dict__ directly (a frozen record's __setattr__ refuses, by design), and in
    # the class's order, as a dataclass writes them, so that vars() lists them in that order.
    if not args and tuple(kwargs) == plan.names:
        self.__dict__.update(kwargs)
    elif not kwargs and len(args) == len(plan.names):
        # Equal lengths; and any keyword, even strict=False, makes zip() slower by a third here.
        self.__dict__.update(zip(plan.names, args))  # noqa: B905
    elif not args and plan.required <= kwargs.keys() <= plan.name_set:
        # The rarer calls go to functions of their own, so that tests can see which way each call took.
        _init_by_name(self, plan, kwargs)
    else:
        _init_each(self, plan, args, kwargs)
    if plan.post_init:
        self.__post_init__()


def _init_by_name(self: Any, plan: _Plan, kwargs: dict[str, object]) -> None:
    """A call that names every field without a default, in any order, and no field the class lacks."""
    values = self.__dict__
    values.update(plan.defaults)
    values.update(kwargs)  # a key already there keeps its place
    for name, factory in plan.factories:
        if name not in kwargs:
            values[name] = factory()


def _init_each(self: Any, plan: _Plan, args: tuple[object, ...], kwargs: dict[str, object]) -> None:
    """Any other call, field by field: defaults and factories fill what it leaves out; errors say why."""
    cls = type(self)
    if len(args) > len(plan.names):
        raise TypeError(f"{cls.__name__}() takes {len(plan.names)} arguments but {len(args)} were given")
    values = self.__dict__
    for name, value in zip(plan.names, args, strict=False):
        if name in kwargs:
            raise TypeError(f"{cls.__name__}() got multiple values for argument {name!r}")
        values[name] = value
    for name, default, factory in plan.fields[len(args) :]:
        if name in kwargs:
            values[name] = kwargs.pop(name)
        elif factory is not None:
            values[name] = factory()
        elif default is _NO_DEFAULT:
            raise TypeError(f"{cls.__name__}() missing required argument {name!r}")
        else:
            values[name] = default
    if kwargs:
        raise TypeError(f"{cls.__name__}() got an unexpected keyword argument {next(iter(kwargs))!r}")


def _values(self: Any) -> tuple[object, ...]:
    values = self.__dict__
    return tuple(values[name] for name in type(self).__record_plan__.names)


def _eq(self: object, other: object) -> object:  # a bool, or NotImplemented for another class
    if other.__class__ is not self.__class__:
        return NotImplemented
    return _values(self) == _values(other)


def _hash(self: Any) -> int:
    return hash(_values(self))


def _repr(self: Any) -> str:
    values = self.__dict__
    shown = ", ".join(f"{name}={values[name]!r}" for name in type(self).__record_plan__.names)
    return f"{type(self).__qualname__}({shown})"


def _refuse(self: Any, name: str, *_: object) -> None:
    raise FrozenInstanceError(f"cannot change field {name!r}: {type(self).__name__} is frozen")


_SHARED = {"__init__": _init, "__eq__": _eq, "__repr__": _repr}
_FROZEN = {"__hash__": _hash, "__setattr__": _refuse, "__delattr__": _refuse}
_MUTABLE = {"__hash__": None}  # equal by value yet mutable: not hashable, as with a mutable dataclass


def _make(cls: _C, *, frozen: bool) -> _C:
    methods = {"__record_plan__": _Plan(cls), **_SHARED, **(_FROZEN if frozen else _MUTABLE)}
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
