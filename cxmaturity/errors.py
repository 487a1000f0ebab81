"""Errors the domain reports to people: each problem names where it is and what is wrong."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in an input file, in words a CX lead understands.

    ``row`` is the 1-based line number as a spreadsheet shows it (header = row 1), or None
    when the problem concerns the whole file or a whole column; ``column`` is the header as
    written in the file (or a competency name), or None.
    """

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class SurveyValidationError(ValueError):
    """The survey file cannot be scored; ``problems`` lists every problem found at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class StoreError(Exception):
    """A request the store or a service cannot carry out; the message is meant for a person."""

    def __str__(self) -> str:  # LookupError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class DatabaseUnavailable(StoreError):
    """The database cannot be used (gone, unreadable, read-only, from a newer version)."""


class UnknownOrganisation(StoreError, LookupError):
    pass


class UnknownAssessment(StoreError, LookupError):
    pass


class NotEnoughAssessments(StoreError, ValueError):
    pass


class InvalidInput(StoreError, ValueError):
    """An argument a person gave (a name, a date, a level) that cannot be used."""


NO_ACCESS = "You do not have access to that organisation."


class AccessDenied(StoreError):
    """The user may not do this. The default message never says whether an organisation
    exists: the same for another user's organisation and for one that does not exist."""

    def __init__(self, message: str = NO_ACCESS):
        super().__init__(message)


class AccountError(StoreError, ValueError):
    """Invalid account input (email, role, password, organisations)."""


class UnknownAccount(StoreError, LookupError):
    pass


class AuthConfigError(ValueError):
    """CXMATURITY_AUTH holds an unknown value (the app must not start without protection)."""
