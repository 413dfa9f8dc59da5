"""Actors and places in an article: spaCy loading, mentions, grouping, output."""
