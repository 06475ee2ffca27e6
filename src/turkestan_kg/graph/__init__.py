"""Step 1 of the flow, the graph: the data files read into one dataset, or streamed into an
on-disk store, and the ``Source`` that says which of those (or an endpoint) a command reads.

Modules: :mod:`.files` (which files, parsing), :mod:`.dataset` (the loaded graph),
:mod:`.sssom` (the Wikidata mapping set), :mod:`.terms` (rdflib and Oxigraph terms),
:mod:`.store` (the on-disk store), :mod:`.source` (files, store or endpoint). This package
imports nothing until asked.
"""
