"""Step 6 of the flow, Wikidata: candidates ranked for review, curated links checked, our
facts compared with Wikidata's, and QuickStatements for what it lacks.

Modules: :mod:`.client` (a polite client with retries and a cache), :mod:`.entities` (what
can be linked), :mod:`.reconcile` (candidates), :mod:`.curation` (accept and check links),
:mod:`.model` and :mod:`.facts` (our facts in Wikidata's terms), :mod:`.diff` (the
comparison), :mod:`.quickstatements` (the edits). This package imports nothing until asked.
"""

WDQS = "https://query.wikidata.org/sparql"
"""The Wikidata Query Service, every Wikidata command's default endpoint."""
