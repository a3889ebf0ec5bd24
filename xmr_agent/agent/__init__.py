"""The agent: rewrite → route → search → fuse → rerank → explain (see :mod:`.pipeline`).

Modules, in the order a request flows through them: ``query`` (the data), ``rules`` and
``rewrite`` (words → query), ``filters`` (query filters → a checked ``where`` clause),
``route`` (sub-queries → searches), ``fuse``, ``rerank``, ``data`` (item text made safe for
prompts), ``explain`` (evidence and narratives), ``pipeline`` (:class:`Agent`).
"""
