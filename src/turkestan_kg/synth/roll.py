"""A deterministic synthetic membership roll, for testing the toolkit at the party's real size.

``synth(members=18945, scale=1, seed=1)`` makes one person and one membership per member,
in the graph's own ontology, passing the same shapes: names in the scripts their ethnic
category used (Cyrillic Russian, Latin Uzbek, Cyrillic Tajik and Kyrgyz), the 1922 ethnic
distribution, membership periods inside the party's lifetime, attendance at the 1920
congress for a few, and the 1922 purge (1,500 Russian Orthodox members per 18,945, whose
memberships end in 1922), and one member in 200 holding a post in the Territorial
Committee. Everything lives under ``https://w3id.org/turkestan-kg/synthetic/``
in the named graph ``graph:synthetic-roll``, is attributed to the generator, and is marked
synthetic: it is never part of the published data set.

``defects`` injects an exact number of each kind of error (see :data:`DEFECTS`) so that a
validator's report can be checked to the result.

The roll is generated as N-Triples text, member by member, so ``write_roll`` can stream a
roll of any size (a 100x roll is about 36 million triples) to disk in constant memory;
``synth`` keeps a small roll in memory with an rdflib graph view of it.

>>> roll = synth(members=40, seed=7)
>>> roll.expected, len(roll.members)
({}, 40)
>>> synth(members=40, seed=7).ntriples == roll.ntriples
True
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import ClassVar, TextIO

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from ..namespaces import (
    BASE,
    DCTERMS,
    FOAF,
    GRAPH,
    ORG,
    PROV,
    RDF,
    SCHEMA,
    SKOS,
    TIME,
    TKG,
    VOID,
    XSD,
    entity_ns,
)
from ..paths import atomic_path
from .names import CYRILLIC, FAMILY, GIVEN, NATIVE_TAG

SYN = Namespace(BASE + "synthetic/")
SYNTHETIC_GRAPH = GRAPH["synthetic-roll"]
PARTY = entity_ns("organization")["communist-party-of-turkestan"]
CONGRESS = entity_ns("event")["fifth-territorial-congress-1920"]
PURGE = entity_ns("event")["purge-1922"]
ETHNIC = Namespace(BASE + "concept/ethnic/")
GENERATOR = SYN["agent/tkg-synth"]
ROLE = SYN["role/member"]
SECRETARY = SYN["role/secretary"]
DISTRIBUTION = (  # the 1922 table; the total is 18,945
    ("russians", 9424),
    ("kazakh-kyrgyz", 4409),
    ("uzbek", 2021),
    ("turkmen", 867),
    ("tajik", 421),
    ("others", 1803),
)
PURGED_PER_18945 = 1500
BATCH = 10_000  # members per write
DEFECTS = {  # kind -> the shape that must catch it
    "missing-english-name": "S01-Label",
    "wrong-language-tag": "S03-LabelLanguage",
    "ends-before-it-begins": "S06-Interval",
    "ends-after-dissolution": "S08-TenureInLifetime",
    "no-provenance": "S14-Provenance",
}


@dataclass(frozen=True)
class Roll:
    """A generated roll: its N-Triples text, the member IRIs, the violations injected per shape."""

    ntriples: bytes
    members: list[URIRef]
    expected: dict[str, int]

    @cached_property
    def graph(self) -> Graph:
        """The roll as an rdflib graph (blank node labels are not kept)."""
        return Graph(bind_namespaces="none").parse(data=self.ntriples, format="nt")


def apportion(total: int) -> list[tuple[str, int]]:
    """The 1922 distribution scaled to ``total`` members (largest remainders), exact sum.

    >>> sum(n for _, n in apportion(18945)) == 18945 and apportion(18945)[0] == ("russians", 9424)
    True
    """
    base = sum(n for _, n in DISTRIBUTION)
    shares = [(name, total * n / base) for name, n in DISTRIBUTION]
    counts = {name: int(share) for name, share in shares}
    rest = total - sum(counts.values())
    for name, _ in sorted(shares, key=lambda s: -(s[1] - int(s[1])))[:rest]:
        counts[name] += 1
    return [(name, counts[name]) for name, _ in DISTRIBUTION]


class Generator:
    """Everything decided before the first member is written: who is in which ethnic
    category, who is purged, who is broken and how. ``header()`` and ``members()`` then
    give the roll's lines; ``members()`` gives the same members each time it is called."""

    def __init__(
        self, *, members: int = 18945, scale: int = 1, seed: int = 1, defects: float = 0.0
    ) -> None:
        _check_arguments(members, scale, defects)
        self.seed, self.total = seed, members * scale
        rng = random.Random(seed)
        self.categories = [name for name, n in apportion(self.total) for _ in range(n)]
        rng.shuffle(self.categories)
        self.purged = _purged(rng, self.categories, self.total)
        per_kind = round(defects * self.total)
        self.broken = _broken(rng, self.total, per_kind)
        self.expected = {shape: per_kind for shape in DEFECTS.values()} if per_kind else {}
        self.state = rng.getstate()  # where each member's names and years start from

    def header(self) -> str:
        """The roll's own description: a synthetic void:Dataset, the generator, the roles."""
        return "".join(_nt(t) for t in _metadata(self.total, self.seed))

    def members(self) -> Iterator[str]:
        """One block of N-Triples lines per member, in order."""
        rng = random.Random()
        rng.setstate(self.state)
        for i, category in enumerate(self.categories):
            yield _member(rng, i, category, i in self.purged, self.broken.get(i))


def _check_arguments(members: int, scale: int, defects: float) -> None:
    if members < 1 or scale < 1:
        raise ValueError("members and scale must be at least 1")
    if not 0 <= defects * len(DEFECTS) <= 1:
        raise ValueError(f"defects must be between 0 and {1 / len(DEFECTS):g} (one per kind)")


def _purged(rng: random.Random, categories: list[str], total: int) -> set[int]:
    """The members the 1922 purge ends: Russians, 1,500 per 18,945 members."""
    russians = [i for i, c in enumerate(categories) if c == "russians"]
    return set(rng.sample(russians, min(PURGED_PER_18945 * total // 18945, len(russians))))


def _broken(rng: random.Random, total: int, per_kind: int) -> dict[int, str]:
    """``per_kind`` members for each kind of defect, chosen at random, none twice."""
    victims = rng.sample(range(total), per_kind * len(DEFECTS))
    return {
        i: kind
        for k, kind in enumerate(DEFECTS)
        for i in victims[k * per_kind : (k + 1) * per_kind]
    }


def synth(*, members: int = 18945, scale: int = 1, seed: int = 1, defects: float = 0.0) -> Roll:
    """Generate the roll in memory; deterministic for the same arguments."""
    generator = Generator(members=members, scale=scale, seed=seed, defects=defects)
    text = (generator.header() + "".join(generator.members())).encode("utf-8")
    people = [SYN[f"person/{i:08d}"] for i in range(generator.total)]
    return Roll(text, people, generator.expected)


def write_roll(
    out: Path, generator: Generator, progress: Callable[[int], None] = lambda n: None
) -> int:
    """Stream the roll to ``out`` (through a temporary file, moved into place when
    complete); ``progress`` gets the number of members written. Returns the triple count."""
    with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as f:
        triples = _write(f, [generator.header()])
        batch: list[str] = []
        for block in generator.members():
            batch.append(block)
            if len(batch) == BATCH:
                triples += _write(f, batch)
                progress(BATCH)
                batch = []
        triples += _write(f, batch)
        progress(len(batch))
        f.flush()
        os.fsync(f.fileno())
    return triples


def _write(f: TextIO, blocks: list[str]) -> int:
    text = "".join(blocks)
    f.write(text)
    return text.count("\n")


def _nt(triple: tuple[Node, Node, Node]) -> str:
    s, p, o = triple
    return f"{s.n3()} {p.n3()} {o.n3()} .\n"


def _metadata(total: int, seed: int) -> Iterator[tuple[Node, Node, Node]]:
    roll = SYN["roll"]
    yield roll, RDF.type, VOID.Dataset
    yield (
        roll,
        DCTERMS.title,
        Literal("Synthetic membership roll (generated, not historical)", lang="en"),
    )
    yield (
        roll,
        DCTERMS.description,
        Literal(
            f"{total} invented members generated by tkg synth with seed {seed}, following the 1922 ethnic distribution. Not historical data.",
            lang="en",
        ),
    )
    yield roll, DCTERMS.license, URIRef("https://creativecommons.org/publicdomain/zero/1.0/")
    yield roll, DCTERMS.source, entity_ns("dataset")["composition-1922"]
    yield roll, DCTERMS.rights, Literal("Synthetic test data; no person in it existed.", lang="en")
    yield roll, TKG.synthetic, Literal(True)
    yield GENERATOR, RDF.type, PROV.Agent
    yield GENERATOR, SKOS.prefLabel, Literal("tkg synth", lang="en")
    for role, label in ((ROLE, "party member"), (SECRETARY, "secretary")):
        yield role, RDF.type, ORG.Role
        yield role, SKOS.prefLabel, Literal(label, lang="en")
        yield role, PROV.wasAttributedTo, GENERATOR


class _T:
    """The N-Triples spelling of every constant term a member's lines use."""

    type, pref, alt = RDF.type.n3(), SKOS.prefLabel.n3(), SKOS.altLabel.n3()
    person, membership, post = FOAF.Person.n3(), ORG.Membership.n3(), ORG.Post.n3()
    ethnicity, attributed = TKG.ethnicity.n3(), PROV.wasAttributedTo.n3()
    generator, member, organization = GENERATOR.n3(), ORG.member.n3(), ORG.organization.n3()
    role, member_role, secretary = ORG.role.n3(), ROLE.n3(), SECRETARY.n3()
    during, ended_by, purge = ORG.memberDuring.n3(), TKG.endedBy.n3(), PURGE.n3()
    party, congress, attendee = PARTY.n3(), CONGRESS.n3(), SCHEMA.attendee.n3()
    interval, instant, in_year = TIME.Interval.n3(), TIME.Instant.n3(), TIME.inXSDgYear.n3()
    begins, ends, gyear = TIME.hasBeginning.n3(), TIME.hasEnd.n3(), XSD.gYear.n3()
    post_in, held_by = ORG.postIn.n3(), ORG.heldBy.n3()
    committee = entity_ns("organization")["territorial-committee"].n3()
    ethnic: ClassVar[dict[str, str]] = {name: ETHNIC[name].n3() for name, _ in DISTRIBUTION}


BROKEN_YEARS = {"ends-before-it-begins": (1922, 1919), "ends-after-dissolution": (1923, 1926)}
"""The (first, last) years of a membership broken by each kind of defect that breaks years."""


def _member(rng: random.Random, i: int, category: str, purged: bool, defect: str | None) -> str:
    """One member's lines: person, membership with its interval, perhaps a post."""
    n = f"{i:08d}"
    person = f"<{SYN}person/{n}>"
    name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
    begin = rng.randint(1918, 1922)
    end = 1922 if purged else rng.randint(max(begin, 1922), 1924)
    attends = begin <= 1920 and rng.random() < 0.01
    first, last = BROKEN_YEARS.get(defect or "", (begin, end))
    out = _person(person, name, category, defect)
    out += _membership(n, person, f"{name}, member, {first}-{last}", purged)
    out += _interval(n, first, last)
    if attends:
        out.append(f"{_T.congress} {_T.attendee} {person} .")
    if i % 200 == 0:
        out += _post(i, person, name)
    return "\n".join(out) + "\n"


def _person(person: str, name: str, category: str, defect: str | None) -> list[str]:
    """A member as a person: type, names (in English and the category's script), ethnicity."""
    t = _T
    english = '"Имя"@ru' if defect == "missing-english-name" else f'"{name}"@en'
    out = [
        f"{person} {t.type} {t.person} .",
        f"{person} {t.pref} {english} .",
        f"{person} {t.ethnicity} {t.ethnic[category]} .",
    ]
    if category in NATIVE_TAG:
        native = name if NATIVE_TAG[category] == "uz-Latn" else name.translate(CYRILLIC)
        out.append(f'{person} {t.alt} "{native}"@{NATIVE_TAG[category]} .')
    if defect == "wrong-language-tag":
        out.append(f'{person} {t.alt} "Name"@xx .')
    if defect != "no-provenance":
        out.append(f"{person} {t.attributed} {t.generator} .")
    return out


def _membership(n: str, person: str, label: str, purged: bool) -> list[str]:
    """A member's membership of the party (its interval aside), ended by the purge if purged."""
    t, membership = _T, f"<{SYN}membership/{n}>"
    out = [
        f"{membership} {t.type} {t.membership} .",
        f'{membership} {t.pref} "{label}"@en .',
        f"{membership} {t.member} {person} .",
        f"{membership} {t.organization} {t.party} .",
        f"{membership} {t.role} {t.member_role} .",
        f"{membership} {t.during} _:i{n} .",
        f"{membership} {t.attributed} {t.generator} .",
    ]
    if purged:
        out.append(f"{membership} {t.ended_by} {t.purge} .")
    return out


def _interval(n: str, begin: int, end: int) -> list[str]:
    t = _T
    out = [f"_:i{n} {t.type} {t.interval} ."]
    for edge, mark, year in ((t.begins, "b", begin), (t.ends, "e", end)):
        instant = f"_:i{n}{mark}"
        out += [
            f"_:i{n} {edge} {instant} .",
            f"{instant} {t.type} {t.instant} .",
            f'{instant} {t.in_year} "{year}"^^{t.gyear} .',
        ]
    return out


def _post(i: int, person: str, name: str) -> list[str]:
    """One member in 200 holds a post in the Territorial Committee."""
    t, post = _T, f"<{SYN}post/{i:08d}>"
    return [
        f"{post} {t.type} {t.post} .",
        f'{post} {t.pref} "Secretary {i // 200 + 1} of the Territorial Committee"@en .',
        f"{post} {t.post_in} {t.committee} .",
        f"{post} {t.role} {t.secretary} .",
        f"{post} {t.held_by} {person} .",
        f"{post} {t.attributed} {t.generator} .",
    ]
