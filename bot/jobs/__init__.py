"""The ingest pipeline (the one orchestrator), its queue on Redis Streams, and workers."""
