"""The names the graph holds, and the entities a name most likely means.

An :class:`Index` is read once from any engine (the project's files, an on-disk store, a
SPARQL endpoint) with two stored queries, ``reconciliation-names`` and ``class-hierarchy``.
A search folds the query (:mod:`turkestan_kg.matcher`), lets RapidFuzz pick the closest names from the
whole index in C, then scores each candidate entity by its best name, with the reasons
kept for the preview.

>>> from turkestan_kg.graph.dataset import load
>>> from turkestan_kg.sparql.engines import OxigraphEngine
>>> index = Index.read(OxigraphEngine(load()))
>>> best = index.search("Рыскулов")[0]
>>> best.entity.rsplit("/", 1)[-1], best.name, best.score >= 85
('turar-risqulov', 'Turar Rïsqulov', True)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..graph.hierarchy import transitive
from ..matcher import begins, closeness, fold, similarity, skeleton
from ..sparql.catalogue import get_query
from ..sparql.engines import Engine
from ..sparql.results import Row

SHORTLIST = 40  # names RapidFuzz hands on for scoring, per form of the query


@dataclass(frozen=True)
class Match:
    """An entity a query may mean: its IRI, display name, types, score and why."""

    entity: str
    name: str
    types: tuple[str, ...]
    score: float
    reasons: tuple[str, ...] = field(default=())


@dataclass
class Index:
    """Every name of every entity, folded and as a skeleton, with the entities' types."""

    names: list[tuple[str, str]]  # (entity, name) per name held
    label: dict[str, str]  # entity -> the name to show (the English preferred label)
    types: dict[str, set[str]]  # entity -> its classes and every class above them
    direct: dict[str, set[str]]  # entity -> the classes it is stated to belong to
    class_names: dict[str, str]  # class -> its English name
    texts: list[str] = field(default_factory=list)  # each distinct name once
    holders: dict[str, list[str]] = field(default_factory=dict)  # name -> entities holding it
    folded: list[str] = field(default_factory=list)  # per distinct name
    skeletons: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        holders: dict[str, list[str]] = defaultdict(list)
        for entity, name in self.names:
            holders[name].append(entity)
        self.holders = dict(holders)
        self.texts = list(self.holders)
        self.folded = [fold(text) for text in self.texts]
        self.skeletons = [skeleton(text) for text in self.texts]

    @classmethod
    def read(cls, engine: Engine) -> Index:
        """The index of everything ``engine`` answers for."""
        rows = engine.run(get_query("reconciliation-names").text, {}).rows
        above, class_names = _hierarchy(engine.run(get_query("class-hierarchy").text, {}).rows)
        names, label, direct = _names(rows)
        reach = transitive(above)  # once per class, not once per entity
        types = {e: ts | {s for t in ts for s in reach.get(t, ())} for e, ts in direct.items()}
        return cls(names, label, types, direct, class_names)

    def class_name(self, iri: str) -> str:
        """A class's English name, else the last part of its IRI."""
        return self.class_names.get(iri) or iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]

    def search(
        self, text: str, *, types: Iterable[str] = (), limit: int = 5, prefix: bool = False
    ) -> list[Match]:
        """The entities ``text`` most likely names, best first (of ``types``, if given);
        with ``prefix``, as the start of a name or of one of its words (autocomplete)."""
        wanted = set(types)
        best: dict[str, tuple[float, float, str, str]] = {}
        for i in self._shortlist(
            text
        ):  # each distinct name is scored once, then given to its holders
            name = self.texts[i]
            score, how = begins(text, name) if prefix else similarity(text, name)
            found = (score, closeness(text, name), how, name)
            for entity in self.holders[name]:
                if wanted and not wanted & self.types.get(entity, set()):
                    continue
                if entity not in best or found[:2] > best[entity][:2]:
                    best[entity] = found
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
        return [self._match(e, score, how, name) for e, (score, _, how, name) in ranked[:limit]]

    def _shortlist(self, text: str) -> set[int]:
        """The names RapidFuzz finds closest to ``text``, folded and as a skeleton."""
        from rapidfuzz import fuzz, process

        shortlist: set[int] = set()
        for query, choices in ((fold(text), self.folded), (skeleton(text), self.skeletons)):
            picked = process.extract(query, choices, scorer=fuzz.WRatio, limit=SHORTLIST)
            shortlist.update(i for _, _, i in picked)
        return shortlist

    def _match(self, entity: str, score: float, how: str, name: str) -> Match:
        reasons = [f"{how} match of the name {name!r} ({score:g})"]
        return Match(
            entity=entity,
            name=self.label.get(entity, name),
            types=tuple(sorted(self.direct.get(entity, ()))),
            score=score,
            reasons=tuple(reasons),
        )

    def entities_of(self, type_iri: str) -> list[str]:
        """Every entity of a class (its subclasses included)."""
        return sorted(e for e, ts in self.types.items() if type_iri in ts)


def _hierarchy(rows: Iterable[Row]) -> tuple[dict[str, set[str]], dict[str, str]]:
    """Each class's direct superclasses, and each class's English name."""
    above: dict[str, set[str]] = defaultdict(set)
    class_names: dict[str, str] = {}
    for row in rows:
        cls_iri = str(row["class"])
        if "label" in row:
            class_names[cls_iri] = str(row["label"])
        if "super" in row:
            above[cls_iri].add(str(row["super"]))
    return above, class_names


def _names(
    rows: Iterable[Row],
) -> tuple[list[tuple[str, str]], dict[str, str], dict[str, set[str]]]:
    """(entity, name) pairs once each, the name to show per entity, and its stated classes."""
    names: dict[tuple[str, str], None] = {}
    label: dict[str, str] = {}
    direct: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        entity, name = str(row["entity"]), str(row["name"])
        names[(entity, name)] = None
        direct[entity].add(str(row["type"]))
        if entity not in label or _preferred_english(row):
            label[entity] = name
    return list(names), label, dict(direct)


def _preferred_english(row: Row) -> bool:
    """Whether the row's name is a preferred label in English (or in no language)."""
    preferred = str(row.get("kind", "")) == "preferred"
    return preferred and getattr(row["name"], "language", None) in ("en", None)
