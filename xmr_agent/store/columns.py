"""The names of the columns xmr-agent writes beside an item's own fields."""

from __future__ import annotations

#: Columns with a full-text index (with the transcript, where a table has one).
TEXT_FIELDS = ("title", "text")
#: Columns never shown to users: hashes (``_hash``, ``_embed_hash``) and vectors (``vec__…``).
HIDDEN_PREFIXES = ("_", "vec__")
#: Image tags (ImageNet labels of an image classifier), embedded with the item's text.
TAGS_COLUMN = "image_tags"
#: The confident ones among them (probability at least :data:`SHOWN_TAG_SCORE`; on 24 Flickr8k photos
#: the labels above 0.3 were mostly right, those between 0.1 and 0.3 mostly not), as plain labels:
#: what people and LLMs are shown. ``image_tags`` keeps every tag for search.
LABELS_COLUMN = "image_labels"
SHOWN_TAG_SCORE = 0.3
#: What was said in an item's audio (or a video's soundtrack), with segments and the language.
TRANSCRIPT_COLUMN = "transcript"
SEGMENTS_COLUMN = "transcript_segments"
LANGUAGE_COLUMN = "transcript_language"
#: Keyframe times (and tags) of each video item, as JSON: ``[{"time": 0.0, "tags": [...]}, ...]``.
KEYFRAMES_COLUMN = "video_keyframes"
#: Where a search hit on a video item says which keyframe matched: ``{"time", "at", "field", "score"}``.
MATCH_KEY = "matched_keyframe"


def keyframe_column(column: str) -> str:
    """The hidden column that holds the per-keyframe vectors of image vector column ``column``."""
    return f"{column}__keyframes"
