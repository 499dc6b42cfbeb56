"""The exceptions specgate raises, and the Problem records they carry.

Kept in a module of their own, free of imports from the rest of the package, because the
extension (specgate._core) imports it to raise SpecError and SchemaError from C++.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, List, Sequence

__all__ = ["Problem", "SchemaError", "SpecError", "ValidationError"]


@dataclass(frozen=True)
class Problem:
    """One problem found in a spec or schema when compiling it.

    pointer: RFC 6901 pointer into the document ("" is the document itself); a pointer into
        another document than the root carries that document's URI ("file:///x.yaml#/a").
    line, column: 1-based position in the source text; 0 when not known (documents given as
        Python objects have no positions).
    message: what is wrong.
    """

    pointer: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        where = f"{self.line}:{self.column}: " if self.line else ""
        return f"{where}{self.pointer or '(document)'}: {self.message}"


def _describe(kind: str, problems: Sequence[Problem]) -> str:
    count = len(problems)
    head = f"{kind}: {count} problem{'' if count == 1 else 's'}"
    return "\n  ".join([head, *(str(p) for p in problems)])


class SchemaError(ValueError):
    """A JSON Schema that cannot be compiled. `problems` lists every problem found."""

    problems: List[Problem]

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        return _describe("invalid schema", self.problems)


class SpecError(SchemaError):
    """An OpenAPI document that cannot be compiled. `problems` lists every problem found.

    A subclass of SchemaError, as in the C++ API (specgate::SpecError).
    """

    def __str__(self) -> str:
        return _describe("invalid spec", self.problems)


class ValidationError(ValueError):
    """Raised by Schema.validate for an invalid instance. `errors` lists every error
    (InstanceError: instance_pointer, schema_pointer, keyword, message)."""

    def __init__(self, errors: Iterable[object]) -> None:
        self.errors = list(errors)
        super().__init__(self.errors)

    def __str__(self) -> str:
        if not self.errors:
            return "invalid instance"
        first = self.errors[0]
        pointer = getattr(first, "instance_pointer", "") or "(root)"
        text = f"{pointer}: {getattr(first, 'message', first)}"
        more = len(self.errors) - 1
        if more:
            text += f" (and {more} more error{'' if more == 1 else 's'})"
        return text
