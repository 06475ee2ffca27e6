"""Beside step 2, the client side: every request this tool makes to another server, over
the one HTTP client (:mod:`.http`: deadlines, size caps, retries, a checked cache). A SPARQL
1.1 endpoint as a query engine (:mod:`.sparql`), the Graph Store Protocol (:mod:`.graphstore`,
and :mod:`.stream` for a big file in chunks), and the URLs a user gives, judged on their
parsed parts (:mod:`.urls`). This package imports nothing until asked.
"""
