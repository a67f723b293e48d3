"""Validation errors in the plain words a spreadsheet user understands.

pydantic reports ``string_pattern_mismatch`` with a regular expression; park staff need
"expected an e-mail address like name@example.com; got 'li-at-example'".
"""

from __future__ import annotations

from typing import Any

from pydantic_core import ErrorDetails

from catalog.models import OrgKind, OrgSize

__all__ = ["describe_error", "describe_value"]

_ENUMS: dict[str, type[OrgKind] | type[OrgSize]] = {"kind": OrgKind, "size": OrgSize}
_PATTERNS = {
    "id": "an id of letters, digits, '_', '.' or '-' (at most 64, starting with a letter or digit)",
    "phone": "a phone number of digits, spaces and + - ( ) (3 to 32 characters)",
    "email": "an e-mail address like name@example.com",
}


def describe_value(value: Any) -> str:
    """A value as an error message quotes it: short text in quotes, a list or object named."""
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, dict | list):
        return "an object" if isinstance(value, dict) else "a list"
    return repr(value)


def describe_error(err: ErrorDetails) -> str:
    """A pydantic error in the plain words a spreadsheet user understands."""
    kind, value, ctx = err["type"], err.get("input"), err.get("ctx", {})
    name = next((str(p) for p in reversed(err["loc"]) if isinstance(p, str)), "")
    got = describe_value(value)
    if kind == "missing":
        return "required but missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if name in _ENUMS and kind == "enum":
        return f"expected one of {', '.join(m.value for m in _ENUMS[name])}; got {got}"
    if isinstance(value, str) and not value.strip() and kind.startswith("string_"):
        return "must not be empty"
    if kind == "string_too_long":
        return f"expected at most {ctx.get('max_length')} characters; got {len(value or '')}"
    if kind == "string_too_short":
        return f"expected at least {ctx.get('min_length')} characters; got {got}"
    if kind == "string_pattern_mismatch":
        return (
            f"expected {_PATTERNS.get(name, 'text matching ' + str(ctx.get('pattern')))}; got {got}"
        )
    if name == "share":
        return f"expected a share between 0 and 1; got {got}"
    if kind.startswith(("datetime_", "timezone_")):
        return f"expected a date-time like 2024-05-01T09:30:00+08:00; got {got}"
    if kind.startswith("date_"):
        return f"expected a date YYYY-MM-DD; got {got}"
    simple = {
        "string_type": "text",
        "float_parsing": "a number",
        "float_type": "a number",
        "tuple_type": "a list",
        "list_type": "a list",
        "model_type": "an object",
        "dict_type": "an object",
        "enum": f"one of {ctx.get('expected')}",
    }
    if kind in simple:
        return f"expected {simple[kind]}; got {got}"
    return f"{err['msg']}; got {got}"
