"""Evaluation: data set adapters, retrieval metrics, runners and reports (``xmr eval``)."""
