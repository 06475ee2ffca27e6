"""Step 3 of the flow: SPARQL. Stored queries (:mod:`.catalogue`), the engines that run them
(:mod:`.engines`: Oxigraph and rdflib embedded; :mod:`.remote`: any SPARQL 1.1 endpoint),
running a query on a source (:mod:`.run`), query text (:mod:`.text`), and engine-independent
results with their writers (:mod:`.results`). This package imports nothing until asked.
"""

ENGINES = ("oxigraph", "rdflib")
"""The embedded engines by name (built by :func:`.engines.engine_for`); the first is the default."""
