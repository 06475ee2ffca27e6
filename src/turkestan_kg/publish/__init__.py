"""Step 4 of the flow (beside reconciliation), publication: every RDF format byte for byte
stable, JSON-LD views, the VoID/DCAT description and HTML docs written to ``dist/``, the
reference pages in ``docs/reference/``, or the graph sent to a store.

Modules: :mod:`.rdf` (the RDF formats), :mod:`.jsonld` (context and frames),
:mod:`.description` (VoID/DCAT), :mod:`.htmldoc` (ontology and shapes as HTML), :mod:`.dist`
(all of them into ``dist/``), :mod:`.reference` and :mod:`.apidoc` (the reference pages);
sending the graph to a store is :mod:`turkestan_kg.remote.graphstore`. This package imports
nothing until asked.
"""
