"""Step 7 of the flow, the web: a Dataset served, every IRI answered as a page or an RDF
view, a read-only SPARQL endpoint, stored queries as forms, and charts.

Modules: :mod:`.app` routes each request to :mod:`.entities` (pages and RDF views),
:mod:`.home` (home page, charts, stored queries), :mod:`.endpoint` (/sparql, run in
:mod:`.sandbox` workers) or :mod:`.files` (vocabularies, dist/, the editor); :mod:`.site`
holds what they share and :mod:`.server` runs it all.
"""
