"""Step 3 of the flow, SPARQL: stored queries with typed parameters, run on Oxigraph, rdflib
or any SPARQL 1.1 endpoint, with results that compare across engines.

Modules: :mod:`.catalogue` (stored queries), :mod:`.engines` (Oxigraph and rdflib embedded),
:mod:`.remote` (an endpoint), :mod:`.run` (a query on a source), :mod:`.text` (query text),
:mod:`.results` (results and their writers). This package imports nothing until asked.
"""

ENGINES = {"oxigraph": "engines:OxigraphEngine", "rdflib": "engines:RdflibEngine"}
"""The embedded engines by name, each a class of this package named lazily (``module:Class``,
imported when first used, built from the loaded graph); the first is the default. Adding an
engine is one entry here: `tkg query --engine`, `turkestan_kg.open(engine=)` and the docs
read this table."""
