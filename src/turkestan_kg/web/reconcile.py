"""/reconcile: the Reconciliation Service API (0.2) over the served graph, for OpenRefine
and any client of the W3C Entity Reconciliation Community Group's specification; the
1.0-draft at /reconcile/v1 (``/match`` and ``/extend`` take JSON bodies,
``/extend/propose``, ``/suggest/...`` and ``/preview`` as in 0.2).

``/reconcile`` answers the manifest, ``queries=`` (reconciliation, GET or POST form) and
``extend=`` (data extension); ``/reconcile/suggest/{entity,type,property}?prefix=`` the
autocompletes, ``/reconcile/properties?type=`` the properties a type's entities have,
``/reconcile/preview?id=`` a small page about an entity, ``/reconcile/view?id=`` its page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from ..namespaces import BASE
from ..reconcile.draft import DraftService
from ..reconcile.query import MAX_JSON_CHARS, MAX_TEXT, ReconcileError, read_json
from ..reconcile.service import Service
from .endpoint import content_type, form_pairs, read_body
from .http import Endpoint, HttpError, Rendered, computed
from .links import local_path
from .pages import render
from .site import Site

Document = TypeVar("Document")
Given = TypeVar("Given")
JSON = "application/json"
MAX_FORM_BYTES = 4 * MAX_JSON_CHARS
"""The largest body read at all (a percent-encoded form of the longest JSON the API reads)."""


def routes(site: Site) -> list[BaseRoute]:
    """The routes of the reconciliation service."""
    return [
        Route("/reconcile", _service(site), methods=["GET", "HEAD", "POST"]),
        Route("/reconcile/suggest/{kind}", _suggest(site)),
        Route("/reconcile/properties", _properties(site)),
        Route("/reconcile/preview", _preview(site)),
        Route("/reconcile/view", _view),
        Route("/reconcile/v1", _draft_manifest(site)),
        Route("/reconcile/v1/match", _draft(site, "match"), methods=["POST"]),
        Route("/reconcile/v1/extend", _draft(site, "extend"), methods=["POST"]),
        Route("/reconcile/v1/extend/propose", _properties(site)),
        Route("/reconcile/v1/suggest/{kind}", _suggest(site)),
        Route("/reconcile/v1/preview", _preview(site)),
    ]


def _draft_manifest(site: Site) -> Endpoint:
    async def answer(request: Request) -> Response:
        here = site.origin(request.scope)
        return await computed(lambda: _json(DraftService(site.reconciliation).manifest(here)))

    return answer


def _draft(site: Site, operation: str) -> Endpoint:
    """A 1.0-draft POST: a JSON body in, a JSON document out."""

    async def answer(request: Request) -> Response:
        kind, _ = content_type(request)
        if kind != JSON:
            raise HttpError(415, f"send the {operation} request as application/json")
        body = await read_body(request, MAX_FORM_BYTES)
        document = _checked(lambda text: read_json(text, "the body"), body)
        draft = DraftService(site.reconciliation)
        method = draft.match if operation == "match" else draft.extend
        return await computed(lambda: _json(_checked(method, document)))

    return answer


def _json(document: object) -> Rendered:
    return Rendered(json.dumps(document, ensure_ascii=False).encode(), JSON)


async def _params(request: Request) -> dict[str, str]:
    """The query string, and a POSTed form, as one dict (the form wins)."""
    params = dict(request.query_params)
    if request.method == "POST":
        kind, _ = content_type(request)
        if kind != "application/x-www-form-urlencoded":
            raise HttpError(415, "send the queries as a form: application/x-www-form-urlencoded")
        body = await read_body(request, MAX_FORM_BYTES)
        params |= dict(form_pairs(body))
    return params


def _decode(params: dict[str, str], name: str) -> object:
    return _checked(lambda text: read_json(text, name), params[name])


def _service(site: Site) -> Endpoint:
    async def answer(request: Request) -> Response:
        params = await _params(request)
        service = site.reconciliation
        here = site.origin(request.scope)
        if "queries" in params:
            queries = _decode(params, "queries")
            return await computed(lambda: _json(_checked(service.reconcile, queries)))
        if "extend" in params:
            wanted = _decode(params, "extend")
            return await computed(lambda: _json(_checked(service.extend, wanted)))
        return await computed(lambda: _json(service.manifest(here)))

    return answer


def _checked(method: Callable[[Given], Document], document: Given) -> Document:
    try:
        return method(document)
    except ReconcileError as err:
        raise HttpError(400, err.message) from None


def _suggest(site: Site) -> Endpoint:
    async def answer(request: Request) -> Response:
        kind = request.path_params["kind"]
        prefix = request.query_params.get("prefix", "")
        if len(prefix) > MAX_TEXT:
            raise HttpError(400, f"the prefix is over {MAX_TEXT} characters")
        service = site.reconciliation
        if kind == "entity":
            types = tuple(request.query_params.getlist("type"))
            return await computed(lambda: _json(service.suggest_entities(prefix, types)))
        if kind == "type":
            return await computed(lambda: _json(service.suggest_types(prefix)))
        if kind == "property":
            return await computed(lambda: _json(service.suggest_properties(prefix)))
        raise HttpError(404, "suggest is /reconcile/suggest/entity, /type or /property")

    return answer


def _properties(site: Site) -> Endpoint:
    async def answer(request: Request) -> Response:
        type_iri = request.query_params.get("type", "")
        if not type_iri:
            raise HttpError(400, "give the type whose properties you want: ?type=IRI")
        limit = request.query_params.get("limit", "50")
        if not limit.isdigit() or not 0 < int(limit) <= 500:
            raise HttpError(400, f"limit {limit!r} is not a number from 1 to 500")
        service = site.reconciliation
        return await computed(lambda: _json(service.propose_properties(type_iri, int(limit))))

    return answer


def _entity_id(request: Request) -> str:
    entity = request.query_params.get("id", "")
    if not entity.startswith(BASE):
        raise HttpError(404, f"no entity {entity!r}: ids are IRIs under {BASE}")
    return entity


def _preview(site: Site) -> Endpoint:
    async def answer(request: Request) -> Response:
        entity = _entity_id(request)
        return await computed(lambda: _preview_page(site.reconciliation, entity))

    return answer


def _preview_page(service: Service, entity: str) -> Rendered:
    if entity not in service.index.direct:
        raise HttpError(404, f"no entity {entity}")
    shown = ("tenure-years", "wikidata")
    facts = [f for f in service.facts(entity) if f.property in shown or f.property.startswith(BASE)]
    rows = [(f.property.rsplit("#", 1)[-1].replace("-", " "), f.label) for f in facts]
    page = render(
        "preview.html",
        name=service.index.label.get(entity, entity),
        kinds=", ".join(service.index.class_name(t) for t in sorted(service.index.direct[entity])),
        page=local_path(entity),
        facts=rows[:12],
    )
    return Rendered(page.encode())


async def _view(request: Request) -> Response:
    """A redirect to an entity's page, only ever to a path on this server."""
    entity = _entity_id(request)
    if (target := local_path(entity)) is None:
        raise HttpError(404, f"no entity {entity!r} on this server")
    return RedirectResponse(target, 303)
