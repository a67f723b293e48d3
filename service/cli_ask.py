"""`chainmatch ask --file`: a batch of questions, every line checked before any is answered.

A file is JSON Lines, one ``{"id": …, "text": …}`` object per line (blank lines skipped);
``id`` is a string or an integer, unique in the file, and ``text`` is a statement (2–500
characters, as ``POST /ask`` takes it). Every bad line is named by its number in one error
(exit 2) and nothing is answered, so a batch never half-runs; then the model is loaded
once and each question is answered in file order.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, StrictInt, StrictStr, ValidationError

from catalog.errors import InvalidInputError
from catalog.models import StatementText

__all__ = ["Question", "read_questions"]

MAX_SHOWN = 20  # bad lines listed in the error; the rest are counted


class Question(BaseModel):
    """One line of a questions file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: StrictStr | StrictInt
    text: StatementText


def _problem(line: str, seen: dict[str | int, int]) -> tuple[Question | None, str | None]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON: {exc.msg}"
    if not isinstance(row, dict):
        return None, 'expected a JSON object {"id", "text"}'
    try:
        q = Question.model_validate(row)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "line"
        return None, f"{where}: {first['msg']}"
    if q.id in seen:
        return None, f"id {q.id!r} repeats line {seen[q.id]}"
    return q, None


def read_questions(path: Path) -> list[Question]:
    """Every question of the file, or an `InvalidInputError` naming every bad line."""
    if not path.is_file():
        raise InvalidInputError(f"questions file {path} not found")
    questions: list[Question] = []
    seen: dict[str | int, int] = {}
    bad: list[str] = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            q, problem = _problem(line, seen)
            if q is None:
                bad.append(f"line {n}: {problem}")
                continue
            seen[q.id] = n
            questions.append(q)
    if bad:
        more = f"; and {len(bad) - MAX_SHOWN} more" if len(bad) > MAX_SHOWN else ""
        raise InvalidInputError(
            f"{path}: {len(bad)} bad line(s), nothing was answered: "
            + "; ".join(bad[:MAX_SHOWN])
            + more
        )
    if not questions:
        raise InvalidInputError(f"{path} holds no questions")
    return questions
