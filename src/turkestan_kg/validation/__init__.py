"""Step 2 of the flow, validation: the graph checked against the SHACL shapes, by pySHACL or
by the shapes compiled to SPARQL, each problem located at its entity and file.

Modules: :mod:`.compile` turns shapes into SPARQL, :mod:`.execute` runs them on Oxigraph,
:mod:`.engines` chooses that or pySHACL for a graph, a store or any source, and
:mod:`.report` locates each problem. This package imports nothing until asked.
"""

ENGINES = ("fast", "pyshacl")
"""The validation engines by name (see :data:`.engines.VALIDATORS`); the first is the default."""
