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


def _value_of(instance: Model, name: str) -> Any:
    if name == "pk":
        return instance.pk
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        raise UnsupportedCondition(f"unknown field {name!r}") from None
    return getattr(instance, field.attname)  # type: ignore[union-attr]


def _f_name(reference: F) -> str:
    return str(reference.name)  # type: ignore[attr-defined]  # not in the stubs


def _lookup(instance: Model, path: str, expected: Any) -> Truth:
    name, _, lookup = path.partition("__")
    lookup = lookup or "exact"
    actual = _value_of(instance, name)
    if isinstance(expected, F):
        expected = _value_of(instance, _f_name(expected))
    elif hasattr(expected, "resolve_expression"):
        raise UnsupportedCondition(f"expression {expected!r}")
    if lookup == "isnull":
        return (actual is None) is bool(expected)
    if actual is None:
        return None
    if lookup == "in":
        return actual in expected
    if lookup not in _COMPARISONS:
        raise UnsupportedCondition(f"lookup {lookup!r}")
    if expected is None:
        return None
    return _COMPARISONS[lookup](actual, expected)


def evaluate(condition: Q, instance: Model) -> Truth:
    """What the database would answer for ``condition`` on this row."""
    answers = [
        evaluate(child, instance)
        if isinstance(child, Q)
        else _lookup(instance, *cast(tuple[str, Any], child))
        for child in condition.children
    ]
    if condition.connector == Q.AND:
        answer: Truth = False if False in answers else (None if None in answers else True)
    elif condition.connector == Q.OR:
        answer = True if True in answers else (None if None in answers else False)
    else:
        raise UnsupportedCondition(f"connector {condition.connector}")
    if condition.negated and answer is not None:
        answer = not answer
    return answer


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


def check_constraint_errors(instance: Model) -> dict[str, list[str]]:
    """The messages of the check constraints this unsaved row would break."""
    errors: dict[str, list[str]] = {}
    for constraint in instance._meta.constraints:
        if not isinstance(constraint, CheckConstraint):
            continue
        if evaluate(constraint.condition, instance) is False:  # type: ignore[arg-type]
            field = ", ".join(fields_named(constraint.condition)) or "__all__"  # type: ignore[arg-type]
            errors.setdefault(field, []).append(str(constraint.get_violation_error_message()))
    return errors
