"""Step 5 of the flow, one way in: :func:`open` gives a :class:`~.api.Dataset` over the
project's files, an on-disk store or a SPARQL endpoint, whose methods are the library
(query, validate, export, load, reconcile). Each kind of source is one class of
:mod:`.sources` behind one protocol, so no other step asks which kind it has; the command
line and the server take a Dataset.

Modules: :mod:`.sources` (files, store, endpoint), :mod:`.api` (the Dataset and ``open``).
This package imports nothing until asked.
"""
