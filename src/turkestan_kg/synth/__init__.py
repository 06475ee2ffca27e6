"""Before the flow: a synthetic membership roll at the party's real size (:mod:`.roll`),
with invented names (:mod:`.names`), for testing every step at scale. Never published.
"""
