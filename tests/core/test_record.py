"""``@record`` (validator_py/record.py) against ``@dataclass``, its oracle, and every message it raises.

The validator's value classes are records so that the browser does not compile dataclass methods at
start-up (issue 16). Each behaviour the validator relies on is compared with the same class made by
``dataclasses``; the errors are its own and asserted word for word.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest

import validator_py
from validator_py import record as record_module
from validator_py.record import FrozenInstanceError, field, record


def _pair(
    frozen: bool = True, tags: Callable[[], list[str]] = list, **extra: Any
) -> tuple[type[Any], type[Any]]:
    """The same class body as a record and as a dataclass; ``tags`` makes that field's default."""

    def body() -> dict[str, Any]:
        return {
            "__annotations__": {"name": "str", "size": "int", "tags": "list[str]"},
            "__module__": __name__,
            "__qualname__": "Thing",
            "size": 3,
            **extra,
        }

    made = type("Thing", (), {**body(), "tags": field(default_factory=tags)})
    oracle = type("Thing", (), {**body(), "tags": dataclasses.field(default_factory=tags)})
    made = record(made) if frozen else record(frozen=False)(made)
    return made, dataclasses.dataclass(frozen=frozen)(oracle)


@pytest.mark.parametrize("frozen", [True, False])
@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (("a",), {}),
        (("a", 5), {}),
        (("a", 5, ["x"]), {}),
        ((), {"name": "a", "tags": ["y"]}),
        (("a",), {"tags": [], "size": 0}),
        ((), {"name": "a", "size": 5, "tags": ["x"]}),
        ((), {"tags": ["x"], "name": "a", "size": 5}),
        ((), {"name": "a"}),
        (("a", 5), {"tags": ["x"]}),
    ],
)
def test_construction_equality_and_repr_match_dataclasses(
    frozen: bool, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    made, oracle = _pair(frozen)
    one, other = made(*args, **kwargs), oracle(*args, **kwargs)
    assert vars(one) == vars(other)
    assert list(vars(one)) == list(vars(other)) == ["name", "size", "tags"]  # set in the class's order
    assert repr(one) == repr(other)
    assert (one == made(*args, **kwargs)) is (other == oracle(*args, **kwargs)) is True
    assert (one == made("b", 9)) is (other == oracle("b", 9)) is False
    if frozen:
        for value in (one, other):  # hashable classes, but a list field makes these two unhashable
            with pytest.raises(TypeError, match="unhashable type: 'list'"):
                hash(value)
    else:
        assert made.__hash__ is oracle.__hash__ is None


def test_a_frozen_record_hashes_its_fields_in_order() -> None:
    point = record(type("Point", (), {"__annotations__": {"x": "int", "y": "int"}}))
    assert hash(point(1, 2)) == hash((1, 2)) == hash(point(y=2, x=1))
    assert hash(point(1, 2)) != hash(point(2, 1))
    assert {point(1, 2), point(1, 2), point(2, 1)} == {point(1, 2), point(2, 1)}


def test_defaults_stay_on_the_class_and_factories_are_called_for_each_record() -> None:
    made, oracle = _pair()
    assert made.size == oracle.size == 3
    assert not hasattr(made, "tags")
    assert not hasattr(oracle, "tags")
    first, second = made("a"), made("b")
    assert first.tags == []
    assert first.tags is not second.tags


def test_records_of_different_classes_are_never_equal() -> None:
    made, _ = _pair()
    twin = record(type("Thing", (), {"__annotations__": {"name": "str", "size": "int"}}))
    assert made("a", 1, ()) != twin("a", 1)
    assert made.__eq__(made("a"), twin("a", 3)) is NotImplemented
    assert made("a").__eq__("a") is NotImplemented


def test_fields_compare_as_a_tuple_does_identical_items_first() -> None:
    made, oracle = _pair()
    nan = float("nan")
    one, other = made("a", nan), oracle("a", nan)
    assert one == one  # noqa: PLR0124 - tuples compare identical items as equal, so dataclasses' do too
    assert other == other  # noqa: PLR0124
    assert made("a", nan) == made("a", nan)
    assert made("a", float("nan")) != made("a", float("nan"))
    assert oracle("a", float("nan")) != oracle("a", float("nan"))


def test_a_frozen_record_refuses_assignment_and_deletion() -> None:
    made, oracle = _pair()
    one = made("a")
    with pytest.raises(FrozenInstanceError, match=r"^cannot change field 'size': Thing is frozen$"):
        one.size = 4
    with pytest.raises(FrozenInstanceError, match=r"^cannot change field 'name': Thing is frozen$"):
        del one.name
    with pytest.raises(AttributeError):  # the same base class as dataclasses' own error
        one.other = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        oracle("a").size = 4
    assert one.size == 3
    assert one.name == "a"


def test_frozen_is_the_default_and_can_be_asked_for_by_name() -> None:
    body = {"__annotations__": {"x": "int"}}
    for made in (record(type("P", (), dict(body))), record(frozen=True)(type("P", (), dict(body)))):
        with pytest.raises(FrozenInstanceError, match=r"^cannot change field 'x': P is frozen$"):
            made(1).x = 2
        assert hash(made(1)) == hash((1,))


def test_a_mutable_record_can_change() -> None:
    made, _ = _pair(frozen=False)
    one = made("a")
    one.size = 4
    del one.tags
    assert one.size == 4
    assert not hasattr(one, "tags")


def test_post_init_runs_once_every_field_is_set() -> None:
    seen: list[tuple[str, int]] = []

    def post_init(self: Any) -> None:
        seen.append((self.name, self.size))

    made = record(
        type(
            "Checked",
            (),
            {"__annotations__": {"name": "str", "size": "int"}, "size": 1, "__post_init__": post_init},
        )
    )
    made("a")
    made(size=2, name="b")
    assert seen == [("a", 1), ("b", 2)]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("a", 1, [], 4), {}, "Thing() takes 3 arguments but 4 were given"),
        (("a",), {"name": "b"}, "Thing() got multiple values for argument 'name'"),
        ((), {"size": 1}, "Thing() missing required argument 'name'"),
        (("a",), {"colour": "red"}, "Thing() got an unexpected keyword argument 'colour'"),
        (("a", 1, []), {"size": 2}, "Thing() got multiple values for argument 'size'"),
        # Each of the short ways into __init__ must hand a wrong call on, to be refused as before:
        # as many names as fields, but one the class lacks,
        (
            (),
            {"name": "a", "size": 1, "colour": "red"},
            "Thing() got an unexpected keyword argument 'colour'",
        ),
        # every field without a default named, and one the class lacks,
        ((), {"name": "a", "colour": "red"}, "Thing() got an unexpected keyword argument 'colour'"),
        # one the class lacks but a field missing, which is said first,
        ((), {"size": 1, "colour": "red"}, "Thing() missing required argument 'name'"),
        # every field by position and a name the class lacks,
        (("a", 1, []), {"colour": "red"}, "Thing() got an unexpected keyword argument 'colour'"),
        # every field by name in order, and one by position too.
        (("a",), {"name": "a", "size": 1, "tags": []}, "Thing() got multiple values for argument 'name'"),
    ],
)
def test_a_wrong_call_is_refused_with_its_reason(
    args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    made, oracle = _pair()
    with pytest.raises(TypeError) as error:
        made(*args, **kwargs)
    assert str(error.value) == message
    with pytest.raises(TypeError):
        oracle(*args, **kwargs)


def test_exactly_as_many_arguments_as_fields_is_accepted() -> None:
    made, _ = _pair()
    assert made("a", 1, ["t"]).tags == ["t"]


def test_a_field_without_default_after_one_with_is_refused() -> None:
    with pytest.raises(TypeError) as error:
        record(type("Bad", (), {"__annotations__": {"a": "int", "b": "int"}, "a": 1}))
    assert str(error.value) == "record Bad: field 'b' has no default but follows one that has"


def test_a_class_without_string_annotations_is_refused() -> None:
    # What Python 3.14 makes of a class body without 'from __future__ import annotations'.
    with pytest.raises(TypeError) as error:
        record(type("Lazy", (), {"__annotate__": lambda _format: {"a": int}}))
    assert str(error.value) == "record Lazy: its module needs 'from __future__ import annotations'"


def test_a_class_without_fields_is_a_record_with_none() -> None:
    empty = record(type("Empty", (), {}))
    assert empty() == empty()
    assert repr(empty()) == "Empty()"
    assert hash(empty()) == hash(())
    with pytest.raises(TypeError) as error:
        empty(1)
    assert str(error.value) == "Empty() takes 0 arguments but 1 were given"
    with pytest.raises(TypeError) as error:
        empty(x=1)
    assert str(error.value) == "Empty() got an unexpected keyword argument 'x'"


# Calls of every kind that __init__ tells apart, with the slower steps of record.py each is to take: none
# where every field is named in the class's order or given by position (how the validator makes most of
# its records), the by-name step where only names are given, in another order or leaving some out, and
# the field-by-field step for the rest.
_CALLS = [
    ((), {"name": "a", "size": 5, "tags": ["x"]}, []),
    (("a", 5, ["x"]), {}, []),
    ((), {"tags": ["x"], "name": "a", "size": 5}, ["_init_by_name"]),
    ((), {"name": "a"}, ["_init_by_name"]),
    ((), {"size": 5, "name": "a"}, ["_init_by_name"]),
    (("a",), {}, ["_init_each"]),
    (("a", 5), {"tags": ["x"]}, ["_init_each"]),
]
_CALL_ARGUMENTS = [(args, kwargs) for args, kwargs, _ in _CALLS]


@pytest.mark.parametrize(("args", "kwargs", "steps"), _CALLS)
def test_each_kind_of_call_takes_its_own_way_and_makes_what_a_dataclass_makes(
    monkeypatch: pytest.MonkeyPatch, args: tuple[Any, ...], kwargs: dict[str, Any], steps: list[str]
) -> None:
    """The short ways are what keep records nearly as quick to make as dataclasses (issue 16)."""
    taken: list[str] = []

    def spy(name: str) -> Callable[..., None]:
        step = getattr(record_module, name)

        def spying(*step_args: Any) -> None:
            taken.append(name)
            step(*step_args)

        return spying

    for name in ("_init_by_name", "_init_each"):
        monkeypatch.setattr(record_module, name, spy(name))
    made, oracle = _pair()
    one = made(*args, **kwargs)
    assert taken == steps
    assert list(vars(one).items()) == list(vars(oracle(*args, **kwargs)).items())


@pytest.mark.parametrize(("args", "kwargs"), _CALL_ARGUMENTS)
def test_post_init_runs_once_whichever_way_a_record_is_made(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    seen: list[dict[str, Any]] = []

    def post_init(self: Any) -> None:
        seen.append(dict(vars(self)))

    for made in _pair(__post_init__=post_init):
        seen.clear()
        one = made(*args, **kwargs)
        assert seen == [vars(one)]  # once, every field set


@pytest.mark.parametrize(("args", "kwargs"), _CALL_ARGUMENTS)
def test_a_factory_makes_a_new_default_for_each_record_that_leaves_its_field_out(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    made_by_factory: list[list[str]] = []

    def tags() -> list[str]:
        made_by_factory.append([])
        return made_by_factory[-1]

    made, _ = _pair(tags=tags)
    first, second = made(*args, **kwargs), made(*args, **kwargs)
    if len(args) == 3 or "tags" in kwargs:
        assert made_by_factory == []
        assert first.tags == second.tags == ["x"]
    else:
        assert len(made_by_factory) == 2
        assert first.tags is made_by_factory[0]
        assert second.tags is made_by_factory[1]


def test_post_init_is_what_the_class_had_when_made_not_looked_up_for_each_record() -> None:
    """As with dataclasses, which decide it when they write ``__init__``."""
    seen: list[object] = []

    def post_init(self: Any) -> None:
        seen.append(self)

    for made in _pair():
        made.__post_init__ = post_init
        made("a")
        made(name="a", size=1, tags=[])
        made("a", 1, [])
        made(name="a")
    assert seen == []


def test_every_value_class_of_the_validator_is_a_record() -> None:
    """No dataclass is left to be compiled at start-up, and each record's fields are its annotations."""
    records = []
    for module_info in pkgutil.walk_packages(validator_py.__path__, "validator_py."):
        if module_info.name.endswith(("__main__", "_emscripten")):
            continue  # the CLI's entry point runs on import; the browser backend needs Pyodide
        module = importlib.import_module(module_info.name)
        for value in vars(module).values():
            if isinstance(value, type) and value.__module__ == module.__name__:
                assert not dataclasses.is_dataclass(value), value
                if "__record_plan__" in vars(value):
                    records.append(value)
                    assert list(value.__record_plan__.names) == list(value.__annotations__)
    assert len(records) >= 29
