"""Step 1 of the flow, the graph: the data files read into one rdflib dataset, or streamed
into an on-disk store.

Modules: :mod:`.files` (which files, parsing), :mod:`.dataset` (the loaded graph),
:mod:`.sssom` (the Wikidata mapping set), :mod:`.terms` (rdflib and Oxigraph terms),
:mod:`.store` (the on-disk store), :mod:`.hierarchy` (class hierarchies). This package
imports nothing until asked.
"""
