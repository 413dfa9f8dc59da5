"""Topics and their state: definitions, developments, fingerprints, labels, timeline, briefs."""
