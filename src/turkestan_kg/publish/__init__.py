"""Step 4 of the flow: publication. :mod:`.rdf` writes every RDF format byte-stably,
:mod:`.jsonld` the JSON-LD context and framed views, :mod:`.description` the VoID/DCAT
dataset description, :mod:`.htmldoc` the ontology and shapes as HTML, :mod:`.dist` all of
them into ``dist/``, :mod:`.export` one format from any source, and :mod:`.upload` sends the
graph to a SPARQL store (Graph Store Protocol). This package imports nothing until asked.
"""
