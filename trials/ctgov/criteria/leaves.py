"""Checking a suggested rule: exactly what the engine accepts when an admin stores it."""

from __future__ import annotations

from trials.eligibility import validate_rule


def spec_errors(rule, where: str = "") -> list[str]:
    """Every problem with a suggested rule, each naming its path; [] when it is valid."""
    prefix = f"{where}: " if where else ""
    return [prefix + message for message in validate_rule(rule)]
