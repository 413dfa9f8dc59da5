"""Benchmarks: quality and performance figures quoted in docs/benchmarks.md (``make bench``)."""
