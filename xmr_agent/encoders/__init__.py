"""Encoder contract (:mod:`.base`) and the lazy plugin registry (:mod:`.registry`)."""
