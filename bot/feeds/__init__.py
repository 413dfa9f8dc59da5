"""Feed subscriptions: which feeds a team follows (``subscriptions``), when each is
polled next (``schedule``), and the poller that fetches due feeds and hands new
items on (``poller``). Items go to a ``submit`` callable the caller passes in:
the ingest queue in ``serve`` / ``worker``, the pipeline itself in the CLI.
"""
