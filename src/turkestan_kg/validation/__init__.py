"""Step 3 of the flow, validation: the graph checked against the SHACL shapes, by pySHACL or
by the shapes compiled to SPARQL and run on the engines of step 2, each problem located at
its entity and file.

Modules: :mod:`.compile` turns shapes into SPARQL (targets, :mod:`.paths`, the core
components in :mod:`.components`, :mod:`.value_components` and :mod:`.shape_components`
over :mod:`.context` and :mod:`.terms`; SPARQL-based constraints in :mod:`.sparql`,
:mod:`.custom` and :mod:`.prebind`), :mod:`.execute` runs them on Oxigraph,
:mod:`.remote` on any engine, :mod:`.support` refuses what they cannot compile,
:mod:`.engines` chooses that or pySHACL for a graph or a
store, and :mod:`.report` locates each problem. This package imports nothing until asked.
"""

ENGINES = {
    "fast": "turkestan_kg.validation.execute:validate_graph",
    "pyshacl": "turkestan_kg.validation.engines:pyshacl_engine",
    "auto": "turkestan_kg.validation.engines:auto_engine",
}
"""The validation engines by name, each a function named lazily (``package.module:function``:
data graph, shapes graph -> conforms, report graph); the first is the default. ``fast`` refuses shapes it cannot
compile (a :class:`~turkestan_kg.errors.UsageError`); ``auto`` is ``fast`` where it compiles
the shapes, else pySHACL, and says so on the log. Adding an
engine is one entry here: `tkg validate --engine`, `Dataset.validate(engine=)` and the docs
read it."""
