"""Decoding media, with no catalogue knowledge: video frames (:mod:`.video`) and the kind of a
file from its bytes (:mod:`.sniff`). Images and audio are decoded by their plugins."""
