"""The database's check constraints, evaluated in Python.

Django validates a ``CheckConstraint`` by asking the database (one query per
constraint and record). A bulk load cannot afford that, so the constraints'
conditions are evaluated here, with SQL's three-valued logic: a comparison
with NULL is unknown, and a CHECK fails only when its condition is false.
The conditions our models use are simple (comparisons, ``isnull``, ``in``,
``F()`` references), and an unsupported one fails loudly rather than being
skipped (a test evaluates every constraint of the imported models).
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any, cast

from django.core.exceptions import FieldDoesNotExist
from django.db.models import CheckConstraint, F, Model, Q

# The answer of a condition: True, False, or None for SQL's "unknown".
Truth = bool | None

_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


class UnsupportedCondition(Exception):
    """A constraint uses a lookup or expression this evaluator does not know."""


Reader = Callable[[Model], Any]
Condition = Callable[[Model], Truth]


def _reader(model: type[Model], name: str) -> Reader:
    if name == "pk":
        return lambda instance: instance.pk
    try:
        attname = model._meta.get_field(name).attname  # type: ignore[union-attr]
    except FieldDoesNotExist:
        raise UnsupportedCondition(f"unknown field {name!r}") from None
    return operator.attrgetter(attname)


def _f_name(reference: F) -> str:
    return str(reference.name)


def _lookup(model: type[Model], path: str, expected: Any) -> Condition:
    name, _, lookup = path.partition("__")
    lookup = lookup or "exact"
    actual = _reader(model, name)
    if lookup == "isnull":
        return lambda instance: (actual(instance) is None) is bool(expected)
    if isinstance(expected, F):
        other = _reader(model, _f_name(expected))
    elif hasattr(expected, "resolve_expression"):
        raise UnsupportedCondition(f"expression {expected!r}")
    else:
        other = lambda instance: expected  # noqa: E731
    if lookup == "in":
        compare: Callable[[Any, Any], bool] = lambda value, choices: value in choices  # noqa: E731
    elif lookup in _COMPARISONS:
        compare = _COMPARISONS[lookup]
    else:
        raise UnsupportedCondition(f"lookup {lookup!r}")

    def check(instance: Model) -> Truth:
        left, right = actual(instance), other(instance)
        if left is None or right is None:
            return None  # a comparison with NULL is unknown
        return compare(left, right)

    return check


def compile_condition(model: type[Model], condition: Q) -> Condition:
    """A function answering, for a row, what the database would for ``condition``."""
    parts = [
        compile_condition(model, child)
        if isinstance(child, Q)
        else _lookup(model, *cast(tuple[str, Any], child))
        for child in condition.children
    ]
    if condition.connector not in (Q.AND, Q.OR):
        raise UnsupportedCondition(f"connector {condition.connector}")
    conjunction = condition.connector == Q.AND
    negated = condition.negated

    def check(instance: Model) -> Truth:
        answers = [part(instance) for part in parts]
        if conjunction:
            answer = False if False in answers else (None if None in answers else True)
        else:
            answer = True if True in answers else (None if None in answers else False)
        return (not answer) if negated and answer is not None else answer

    return check


def evaluate(condition: Q, instance: Model) -> Truth:
    """What the database would answer for ``condition`` on this row."""
    return compile_condition(type(instance), condition)(instance)


def fields_named(condition: Q) -> list[str]:
    """The fields a condition reads, to name them in an error."""
    names: list[str] = []
    for child in condition.children:
        if isinstance(child, Q):
            found = fields_named(child)
        else:
            path, value = cast(tuple[str, Any], child)
            found = [path.partition("__")[0]]
            if isinstance(value, F):
                found.append(_f_name(value))
        names.extend(name for name in found if name != "pk" and name not in names)
    return names


@functools.cache
def _checks(model: type[Model]) -> list[tuple[Condition, str, str]]:
    """Each check constraint of a model: its test, the fields it names, its message."""
    return [
        (
            compile_condition(model, constraint.condition),  # type: ignore[arg-type]
            ", ".join(fields_named(constraint.condition)) or "__all__",  # type: ignore[arg-type]
            str(constraint.get_violation_error_message()),
        )
        for constraint in model._meta.constraints
        if isinstance(constraint, CheckConstraint)
    ]


def check_constraint_errors(instance: Model) -> dict[str, list[str]]:
    """The messages of the check constraints this unsaved row would break."""
    errors: dict[str, list[str]] = {}
    for check, fields, message in _checks(type(instance)):
        if check(instance) is False:
            errors.setdefault(fields, []).append(message)
    return errors
