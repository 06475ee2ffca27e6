"""Step 6 of the flow: serving the graph as Linked Data. ``app`` routes each request to
``entities`` (pages and RDF views), ``home`` (home page, charts, stored queries),
``endpoint`` (/sparql, run in ``sandbox`` workers) or ``files`` (vocabularies, dist/, the
editor); ``site`` holds what they share, ``server`` runs it all.
"""
