"""Step 1 of the flow: the graph. Files are read into a ``KnowledgeGraph`` (one named graph
per file, :mod:`.dataset`), or streamed into an on-disk store (:mod:`.store`); a ``Source``
(:mod:`.source`) says which of the two, or a remote endpoint, a command reads from.

Also here: :mod:`.files` (which files, parsing), :mod:`.sssom` (the Wikidata mapping set),
:mod:`.terms` (rdflib and Oxigraph terms). This package imports nothing until asked.
"""
