"""Facts in Wikidata's terms: a time at a precision, an item, a quantity, a fact with its
qualifiers, and how a fact compares with Wikidata. Shared by the diff and QuickStatements.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .entities import Entity


@dataclass(frozen=True, order=True)
class Time:
    """A date at a Wikidata precision: 9 year, 10 month, 11 day."""

    year: int
    month: int = 0
    day: int = 0
    precision: int = 9

    def __str__(self) -> str:
        parts = [f"{self.year:04d}", f"{self.month:02d}", f"{self.day:02d}"][: self.precision - 8]
        return "-".join(parts)

    def at(self, precision: int) -> tuple[int, ...]:
        return (self.year, self.month, self.day)[: precision - 8]


@dataclass(frozen=True)
class Item:
    """An item value: its QID if it has one, and its label."""

    qid: str | None
    label: str

    def __str__(self) -> str:
        return f"wd:{self.qid} ({self.label})" if self.qid else f"{self.label} (no Wikidata id)"


@dataclass(frozen=True)
class Quantity:
    amount: Decimal

    def __str__(self) -> str:
        return str(self.amount)


Value = Time | Item | Quantity


@dataclass(frozen=True)
class Fact:
    """One statement we hold about a linked entity, in Wikidata's terms."""

    subject: Entity
    qid: str | None
    pid: str
    value: Value
    qualifiers: tuple[tuple[str, Value], ...] = ()
    sourced: bool = True


@dataclass(frozen=True)
class Comparison:
    """A fact and what Wikidata says about it."""

    fact: Fact
    status: str
    wikidata: str
    note: str = ""

    def __str__(self) -> str:
        f = self.fact
        quals = "".join(f" {p}={v}" for p, v in f.qualifiers)
        theirs = f"; Wikidata: {self.wikidata}" if self.wikidata else ""
        note = f" ({self.note})" if self.note else ""
        return f"{self.status:<8} {f.subject.curie} {f.pid} ours: {f.value}{quals}{theirs}{note}"

    def as_dict(self) -> dict[str, object]:
        """The comparison as JSON-ready values, for scripts."""
        return {
            "status": self.status,
            "entity": self.fact.subject.curie,
            "property": self.fact.pid,
            "ours": str(self.fact.value),
            "qualifiers": {p: str(v) for p, v in self.fact.qualifiers},
            "wikidata": self.wikidata,
            "note": self.note,
        }
