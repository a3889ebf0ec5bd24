"""Encoder contract (:mod:`.base`) and the lazy plugin registry (:mod:`.registry`)."""

#: The Whisper model used when none is named (spoken requests, ``xmr search --audio``, ``xmr ask
#: --audio``, the web chat): the multilingual ``base``, fewer word errors than ``tiny.en`` and other
#: languages heard, for about three times its CPU time (figures: docs/benchmarks.md, "Speech").
#: Name ``tiny.en`` for speed. Defined here, where importing it loads nothing (the commands' options).
DEFAULT_WHISPER = "base"
