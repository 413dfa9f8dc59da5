"""Test helpers shared across test modules, one module for each thing they build.

- ``waiting``: ``wait_until``, the one way tests poll for an outcome;
- ``articles``: ``keyed_article`` and ready-made stories; ``subscriptions``:
  digest subscriptions; ``digests``: story articles filed into a topic and a
  recording digest sender;
- ``deps``: ``Deps`` on the test Redis (``deps_on``, the ``deps`` fixture);
  ``queues``: ``make_queue``; ``redis_db``: an emptied test database;
  ``redis_proc``: a redis-server of a test's own, to stop and restart;
- ``app``: the real app on loopback (``start_bot``) and ``SlackPoster``;
  ``pages``: the local news site (``ArticleServer``, the ``article_site``
  fixture); ``seeds``: the shipped seed articles;
- ``worker_proc``: a worker in a child process; ``paths``: where the repository is.
"""
