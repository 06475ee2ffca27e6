"""Step 2 of the flow, SPARQL: where queries run (Oxigraph, rdflib or any SPARQL 1.1
endpoint, with results that compare across engines) and the stored queries with typed
parameters. Every later step queries through these engines, validation included.

Modules: :mod:`.catalogue` (stored queries), :mod:`.engines` (Oxigraph and rdflib embedded;
an endpoint is :mod:`turkestan_kg.remote.sparql`), :mod:`.text` (query text, read by a parser),
:mod:`.results` (results and their writers). This package imports nothing until asked.
"""

ENGINES = {
    "oxigraph": "turkestan_kg.sparql.engines:OxigraphEngine",
    "rdflib": "turkestan_kg.sparql.engines:RdflibEngine",
}
"""The embedded engines by name, each a class named lazily (``package.module:Class``,
imported when first used, made from the loaded graph); the first is the default. Adding an
engine is one entry here: `tkg query --engine`, `turkestan_kg.open(engine=)` and the docs
read this table."""
DEFAULT_ENGINE = next(iter(ENGINES))
"""The query engine used when none is named."""
