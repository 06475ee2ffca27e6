"""Who held which role where, and when, as the sentences a person's or a body's page reads
as: "leader of the Communist Party of Turkestan, 1920-1922 (Infobox)". Each comes from one
membership or tenure (``org:Membership``): its member, organization and role, the years or
months of its interval (``org:memberDuring``), how the role was gained (``tkg:selection``)
and the source sections it derives from.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from ..namespaces import ORG, PROV, TIME, TKG
from .pages import Labeller, Value, link

WHEN = (TIME.inXSDgYearMonth, TIME.inXSDgYear, TIME.inXSDDate)


@dataclass(frozen=True)
class Role:
    """One role held: by whom, in what, as what, from and until when (a year, a month or a
    day as the data gives it; empty where it says nothing), how it was gained (or None) and
    the sources. The page words the dates in its own language."""

    member: Value
    organization: Value
    role: Value
    start: str
    end: str
    selection: Value | None
    sources: list[Value]


def roles(data: Graph, node: URIRef, labeller: Labeller) -> list[Role]:
    """The roles ``node`` held (as a member) or had held in it (as an organization), the
    earliest first."""
    memberships = set(data.subjects(ORG.member, node)) | set(data.subjects(ORG.organization, node))
    found = [_role(data, m, labeller) for m in memberships]
    return [role for _, role in sorted((r for r in found if r is not None), key=_order)]


def _role(data: Graph, membership: Node, labeller: Labeller) -> tuple[str, Role] | None:
    """One membership as a role (with its start, for ordering), or None if it lacks a
    member, an organization or a role."""
    member = data.value(membership, ORG.member)
    body = data.value(membership, ORG.organization)
    role = data.value(membership, ORG.role)
    if member is None or body is None or role is None:
        return None
    start, end = _bounds(data, membership)
    selection = data.value(membership, TKG.selection)
    sources = sorted(data.objects(membership, PROV.wasDerivedFrom), key=str)
    held = Role(
        member=link(member, labeller),
        organization=link(body, labeller),
        role=link(role, labeller),
        start=start,
        end=end,
        selection=link(selection, labeller) if selection is not None else None,
        sources=[link(s, labeller) for s in sources],
    )
    return start or "~", held


def _order(item: tuple[str, Role]) -> tuple[str, str, str, str]:
    """Earliest first; then the one that ended first, then by name: the same every time."""
    start, role = item
    return (start, role.end or "~", role.member.text, role.organization.text)


def _bounds(data: Graph, membership: Node) -> tuple[str, str]:
    interval = data.value(membership, ORG.memberDuring)
    if interval is None:
        return "", ""
    return _when(data, data.value(interval, TIME.hasBeginning)), _when(
        data, data.value(interval, TIME.hasEnd)
    )


def _when(data: Graph, instant: Node | None) -> str:
    if instant is None:
        return ""
    for prop in WHEN:
        value = data.value(instant, prop)
        if isinstance(value, Literal):
            return str(value)
    return ""
