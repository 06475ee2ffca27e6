"""Beside the flow, test data: a synthetic membership roll at the party's real size, with
invented names, for testing every step at scale. Never published.

Modules: :mod:`.roll` (the roll, streamed as N-Triples), :mod:`.names` (the names).
"""
