"""Step 5 of the flow: linking to Wikidata. ``client`` asks a Wikidata-shaped SPARQL endpoint
(politely, with retries and a cache), ``entities`` lists what can be linked, ``reconcile``
ranks candidates for review, ``curation`` accepts and checks curated links, ``model`` and
``facts`` put our facts in Wikidata's terms, ``diff`` compares them with Wikidata and
``quickstatements`` writes the edits Wikidata lacks. This package imports nothing until
asked.
"""

WDQS = "https://query.wikidata.org/sparql"
"""The Wikidata Query Service, every Wikidata command's default endpoint."""
