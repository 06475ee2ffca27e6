"""Reconciliation against names as historians' sheets hold them: 60 names in mixed scripts
and spellings, written from the source article's names (and some the graph does not hold).

    .venv/bin/python benchmarks/reconcile_names.py [--verbose]

Each name is sent as a Reconciliation API query through the library (the same service
`tkg serve` answers at /reconcile), with the type a sheet would give where it gives one.
Prints the top-1 accuracy over the names the graph holds, and the false matches: a
`match: true` on the wrong entity, or on a name the graph does not hold (it should have
no candidate taken). The list is kept here, apart from the tests, so that the matcher is
measured on it and not tuned to it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import turkestan_kg

BASE = "https://w3id.org/turkestan-kg/"
PERSON = "http://xmlns.com/foaf/0.1/Person"
PARTY = BASE + "ontology#PoliticalParty"

RISQULOV = "person/turar-risqulov"
KOBOZEV = "person/pyotr-kobozev"
TURIAKYLOV = "person/nazir-turiakylov"
RAKHIMBAYEV = "person/abdullo-rakhimbayev"
SVETLOV = "person/ferdinand-svetlov"
CPT = "organization/communist-party-of-turkestan"
RCPB = "organization/rcpb"
MUSBIURO = "organization/musbiuro"
COMMITTEE = "organization/territorial-committee"
ASSR = "place/turkestan-assr"

NAMES: list[tuple[str, str | None, str | None]] = [  # (name, type given, entity or None)
    ("Turar Rïsqulov", PERSON, RISQULOV),
    ("Turar Risqulov", None, RISQULOV),
    ("Turar Ryskulov", None, RISQULOV),
    ("T. Ryskulov", None, RISQULOV),
    ("Ryskulov, Turar", PERSON, RISQULOV),
    ("Рыскулов", None, RISQULOV),
    ("Турар Рыскулов", PERSON, RISQULOV),
    ("Тұрар Рысқұлов", None, RISQULOV),
    ("RYSKULOV T.", None, RISQULOV),
    ("Rysqulov", PERSON, RISQULOV),
    ("Pyotr Kobozev", PERSON, KOBOZEV),
    ("Petr Kobozev", None, KOBOZEV),
    ("P. Kobozev", None, KOBOZEV),
    ("Пётр Кобозев", PERSON, KOBOZEV),
    ("Кобозев П.", None, KOBOZEV),
    ("Kobosev", PERSON, KOBOZEV),
    ("Nazir Turiakylov", PERSON, TURIAKYLOV),
    ("Nazir Turakulov", None, TURIAKYLOV),
    ("N. Tyurakulov", None, TURIAKYLOV),
    ("Назир Тюракулов", PERSON, TURIAKYLOV),
    ("Turiakulov", PERSON, TURIAKYLOV),
    ("Abdullo Rakhimbayev", PERSON, RAKHIMBAYEV),
    ("Abdullah Rakhimbaev", None, RAKHIMBAYEV),
    ("A. Rahimbaev", None, RAKHIMBAYEV),
    ("Абдулла Рахимбаев", PERSON, RAKHIMBAYEV),
    ("Rakhimbaev", PERSON, RAKHIMBAYEV),
    ("Ferdinand Svetlov", PERSON, SVETLOV),
    ("F. Svetlov", None, SVETLOV),
    ("Фердинанд Светлов", PERSON, SVETLOV),
    ("Svetlov", None, SVETLOV),
    ("Communist Party of Turkestan", None, CPT),
    ("Communist Party of Turkestan", PARTY, CPT),
    ("Коммунистическая партия Туркестана", None, CPT),
    ("Turkiston Kommunistik partiyasi", None, CPT),
    ("Ҳизби Коммунистии Туркистон", None, CPT),
    ("Түркстан коммунисттик партиясы", None, CPT),
    ("Turkestan Communist Party", None, CPT),
    ("KPT", None, CPT),  # the initials of its Russian name
    ("Russian Communist Party (Bolsheviks)", None, RCPB),
    ("RCP(b)", None, RCPB),
    ("RKP(b)", None, RCPB),
    ("Russian Communist Party", PARTY, RCPB),
    ("Muslim Bureau", None, MUSBIURO),
    ("Musbiuro", None, MUSBIURO),
    ("Musburo", None, MUSBIURO),
    ("Territorial Committee", None, COMMITTEE),
    ("Turkestan ASSR", None, ASSR),
    ("Turkestan Autonomous Soviet Socialist Republic", None, ASSR),
    ("Туркестанская АССР", None, ASSR),
    ("Awliya Ata", None, "place/awliya-ata"),
    ("Aulie-Ata", None, "place/awliya-ata"),
    ("Soviet Union", None, "place/soviet-union"),
    ("Jadids", None, "group/jadids"),
    ("Soviet Central Asia", None, "place/soviet-central-asia"),
    ("Mikhail Frunze", PERSON, None),
    ("Vladimir Lenin", None, None),
    ("Tashkent Soviet", None, None),
    ("Basmachi", None, None),
    ("Fayzulla Khodzhayev", PERSON, None),
    ("Bukhara People's Soviet Republic", None, None),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="print every name's answer")
    args = parser.parse_args()
    service = turkestan_kg.open().reconciler
    queries = {
        f"q{i}": {"query": name, "limit": 3, **({"type": kind} if kind else {})}
        for i, (name, kind, _) in enumerate(NAMES)
    }
    answers = service.reconcile(queries)
    held = right = false_matches = matched = 0
    for i, (name, _, entity) in enumerate(NAMES):
        result = answers[f"q{i}"]["result"]
        top = result[0] if result else None
        got = str(top["id"]).removeprefix(BASE) if top else None
        is_match = bool(top and top["match"])
        held += entity is not None
        right += entity is not None and got == entity
        matched += is_match and got == entity
        false_matches += is_match and got != entity
        if args.verbose or (entity is not None and got != entity) or (is_match and got != entity):
            score = f"{top['score']:g}" if top else "-"
            print(
                f"{name:48} expected {entity or 'none':42} got {got or 'none':42} {score:>5} {'match' if is_match else ''}"
            )
    print()
    print("| names | held by the graph | top-1 right | sure matches (right) | false matches |")
    print("|---:|---:|---:|---:|---:|")
    print(
        f"| {len(NAMES)} | {held} | {right} ({100 * right / held:.0f} %) | {matched} | {false_matches} |"
    )


if __name__ == "__main__":
    main()
