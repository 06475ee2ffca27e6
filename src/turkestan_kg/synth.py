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

>>> roll = synth(members=40, seed=7)
>>> roll.expected, len(roll.members)
({}, 40)
>>> synth(members=40, seed=7).ntriples == roll.ntriples
True
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from .namespaces import (
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
NATIVE_TAG = {"russians": "ru", "kazakh-kyrgyz": "ky-Cyrl", "uzbek": "uz-Latn", "tajik": "tg-Cyrl"}
GIVEN = (
    "Ivan",
    "Pyotr",
    "Nikolai",
    "Aleksei",
    "Turar",
    "Nazir",
    "Abdullo",
    "Yusuf",
    "Akmal",
    "Said",
    "Karim",
    "Bakhtiyor",
    "Saken",
    "Oraz",
    "Rakhim",
    "Fyodor",
)
FAMILY = (
    "Ivanov",
    "Petrov",
    "Sokolov",
    "Rakhimov",
    "Yusupov",
    "Karimov",
    "Saidov",
    "Nurov",
    "Asanov",
    "Orazov",
    "Bekov",
    "Tursunov",
    "Volkov",
    "Zakirov",
)
CYRILLIC = str.maketrans(
    {
        "A": "А",
        "B": "Б",
        "V": "В",
        "G": "Г",
        "D": "Д",
        "E": "Е",
        "Z": "З",
        "I": "И",
        "Y": "Й",
        "K": "К",
        "L": "Л",
        "M": "М",
        "N": "Н",
        "O": "О",
        "P": "П",
        "R": "Р",
        "S": "С",
        "T": "Т",
        "U": "У",
        "F": "Ф",
        "H": "Х",
        "a": "а",
        "b": "б",
        "v": "в",
        "g": "г",
        "d": "д",
        "e": "е",
        "z": "з",
        "i": "и",
        "y": "й",
        "k": "к",
        "l": "л",
        "m": "м",
        "n": "н",
        "o": "о",
        "p": "п",
        "r": "р",
        "s": "с",
        "t": "т",
        "u": "у",
        "f": "ф",
        "h": "х",
    }
)
DEFECTS = {  # kind -> the shape that must catch it
    "missing-english-name": "S01-Label",
    "wrong-language-tag": "S03-LabelLanguage",
    "ends-before-it-begins": "S06-Interval",
    "ends-after-dissolution": "S08-TenureInLifetime",
    "no-provenance": "S14-Provenance",
}


@dataclass
class Roll:
    """A generated roll: its graph, the member IRIs, and the violations injected per shape."""

    graph: Graph
    members: list[URIRef] = field(default_factory=list)
    expected: dict[str, int] = field(default_factory=dict)

    @property
    def ntriples(self) -> bytes:
        return self.graph.serialize(format="nt", encoding="utf-8")


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


def synth(*, members: int = 18945, scale: int = 1, seed: int = 1, defects: float = 0.0) -> Roll:
    """Generate the roll; deterministic for the same arguments."""
    rng = random.Random(seed)
    total = members * scale
    graph = Graph(bind_namespaces="none")
    graph.bind("syn", SYN)
    roll = Roll(graph)
    _metadata(graph, total, seed)
    categories = [name for name, n in apportion(total) for _ in range(n)]
    rng.shuffle(categories)
    purged = set(
        rng.sample(
            [i for i, c in enumerate(categories) if c == "russians"],
            min(PURGED_PER_18945 * total // 18945, categories.count("russians")),
        )
    )
    for i, category in enumerate(categories):
        roll.members.append(_member(graph, rng, i, category, i in purged))
    _inject(roll, rng, defects)
    return roll


def _metadata(graph: Graph, total: int, seed: int) -> None:
    roll = SYN["roll"]
    graph.add((roll, RDF.type, VOID.Dataset))
    graph.add(
        (
            roll,
            DCTERMS.title,
            Literal("Synthetic membership roll (generated, not historical)", lang="en"),
        )
    )
    graph.add(
        (
            roll,
            DCTERMS.description,
            Literal(
                f"{total} invented members generated by tkg synth with seed {seed}, following the 1922 ethnic distribution. Not historical data.",
                lang="en",
            ),
        )
    )
    graph.add((roll, DCTERMS.license, URIRef("https://creativecommons.org/publicdomain/zero/1.0/")))
    graph.add((roll, DCTERMS.source, entity_ns("dataset")["composition-1922"]))
    graph.add(
        (roll, DCTERMS.rights, Literal("Synthetic test data; no person in it existed.", lang="en"))
    )
    graph.add((roll, TKG.synthetic, Literal(True)))
    graph.add((GENERATOR, RDF.type, PROV.Agent))
    graph.add((GENERATOR, SKOS.prefLabel, Literal("tkg synth", lang="en")))
    graph.add((ROLE, RDF.type, ORG.Role))
    graph.add((ROLE, SKOS.prefLabel, Literal("party member", lang="en")))
    graph.add((ROLE, PROV.wasAttributedTo, GENERATOR))
    graph.add((SECRETARY, RDF.type, ORG.Role))
    graph.add((SECRETARY, SKOS.prefLabel, Literal("secretary", lang="en")))
    graph.add((SECRETARY, PROV.wasAttributedTo, GENERATOR))


def _member(graph: Graph, rng: random.Random, i: int, category: str, purged: bool) -> URIRef:
    person, membership = SYN[f"person/{i:08d}"], SYN[f"membership/{i:08d}"]
    name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
    graph.add((person, RDF.type, FOAF.Person))
    graph.add((person, SKOS.prefLabel, Literal(name, lang="en")))
    if category in NATIVE_TAG:
        native = name if NATIVE_TAG[category] == "uz-Latn" else name.translate(CYRILLIC)
        graph.add((person, SKOS.altLabel, Literal(native, lang=NATIVE_TAG[category])))
    graph.add((person, TKG.ethnicity, ETHNIC[category]))
    graph.add((person, PROV.wasAttributedTo, GENERATOR))
    begin = rng.randint(1918, 1922)
    end = 1922 if purged else rng.randint(max(begin, 1922), 1924)
    graph.add((membership, RDF.type, ORG.Membership))
    graph.add((membership, SKOS.prefLabel, Literal(f"{name}, member, {begin}-{end}", lang="en")))
    graph.add((membership, ORG.member, person))
    graph.add((membership, ORG.organization, PARTY))
    graph.add((membership, ORG.role, ROLE))
    graph.add((membership, ORG.memberDuring, _interval(graph, membership, begin, end)))
    graph.add((membership, PROV.wasAttributedTo, GENERATOR))
    if purged:
        graph.add((membership, TKG.endedBy, PURGE))
    if begin <= 1920 and rng.random() < 0.01:
        graph.add((CONGRESS, SCHEMA.attendee, person))
    if i % 200 == 0:
        _post(graph, i, person, name)
    return person


def _post(graph: Graph, i: int, person: URIRef, name: str) -> None:
    """One member in 200 holds a post in the Territorial Committee."""
    post = SYN[f"post/{i:08d}"]
    graph.add((post, RDF.type, ORG.Post))
    graph.add(
        (
            post,
            SKOS.prefLabel,
            Literal(f"Secretary {i // 200 + 1} of the Territorial Committee", lang="en"),
        )
    )
    graph.add((post, ORG.postIn, entity_ns("organization")["territorial-committee"]))
    graph.add((post, ORG.role, SECRETARY))
    graph.add((post, ORG.heldBy, person))
    graph.add((post, PROV.wasAttributedTo, GENERATOR))


def _interval(graph: Graph, membership: URIRef, begin: int, end: int) -> BNode:
    interval = BNode(f"i{str(membership).rsplit('/', 1)[1]}")
    for edge, year in ((TIME.hasBeginning, begin), (TIME.hasEnd, end)):
        instant = BNode(f"{interval}{'b' if edge == TIME.hasBeginning else 'e'}")
        graph.add((interval, edge, instant))
        graph.add((instant, RDF.type, TIME.Instant))
        graph.add((instant, TIME.inXSDgYear, Literal(str(year), datatype=XSD.gYear)))
    graph.add((interval, RDF.type, TIME.Interval))
    return interval


def _inject(roll: Roll, rng: random.Random, rate: float) -> None:
    """Break ``round(rate * members)`` distinct members once for each kind of defect."""
    per_kind = round(rate * len(roll.members))
    if not per_kind:
        return
    victims = rng.sample(range(len(roll.members)), per_kind * len(DEFECTS))
    g = roll.graph
    for k, kind in enumerate(DEFECTS):
        for i in victims[k * per_kind : (k + 1) * per_kind]:
            person, membership = roll.members[i], SYN[f"membership/{i:08d}"]
            interval = g.value(membership, ORG.memberDuring)
            if kind == "missing-english-name":
                g.remove((person, SKOS.prefLabel, None))
                g.add((person, SKOS.prefLabel, Literal("Имя", lang="ru")))
            elif kind == "wrong-language-tag":
                g.add((person, SKOS.altLabel, Literal("Name", lang="xx")))
            elif kind == "ends-before-it-begins":
                _set_years(g, interval, 1922, 1919)
            elif kind == "ends-after-dissolution":
                _set_years(g, interval, 1923, 1926)
            elif kind == "no-provenance":
                g.remove((person, PROV.wasAttributedTo, None))
    roll.expected = dict(Counter({shape: per_kind for shape in DEFECTS.values()}))


def _set_years(graph: Graph, interval: Node | None, begin: int, end: int) -> None:
    for edge, year in ((TIME.hasBeginning, begin), (TIME.hasEnd, end)):
        instant = graph.value(interval, edge)
        assert instant is not None
        graph.set((instant, TIME.inXSDgYear, Literal(str(year), datatype=XSD.gYear)))
