"""Recommendation signals beyond the request's words: item-to-item links learned from
interaction logs (:mod:`.graph`) and user profiles built from liked / disliked items (:mod:`.profile`)."""
