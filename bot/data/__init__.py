"""Curated data files (facility gazetteer, junk patterns)."""
