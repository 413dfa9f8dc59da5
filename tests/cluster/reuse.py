"""Re-collect another module's Redis tests here, to run them on the cluster.

A test function imported into a module of this folder is collected again under
this folder's ``conftest.py``, whose ``redis_client`` is a cluster client. The
test bodies stay where they are; only the fixture underneath changes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection, Mapping
from types import ModuleType
from typing import Any

import pytest

from tests.cluster.launcher import LocalCluster


def redis_tests(
    module: ModuleType,
    *,
    uses: Collection[str],
    exclude: Mapping[str, str],
) -> dict[str, Callable[..., Any]]:
    """The ``test_*`` functions of ``module`` that take one of the ``uses`` fixtures.

    ``exclude`` maps the names of tests that cannot run on a cluster to the
    reason why (kept next to the call, for the reader). Tests that need no Redis
    are left out: running them twice proves nothing.
    """
    found: dict[str, Callable[..., Any]] = {}
    for name, obj in vars(module).items():
        if not name.startswith("test_") or not inspect.isfunction(obj) or name in exclude:
            continue
        if set(inspect.signature(obj).parameters) & set(uses):
            found[name] = obj
    return found


@pytest.fixture(name="redis_url")
def cluster_as_redis_url(redis_cluster: LocalCluster) -> str:
    """For modules that import it: ``redis_url`` becomes the cluster's URL.

    Tests that build ``Deps`` (or run the CLI) from ``redis_url`` then connect
    the way production does with a cluster ``REDIS_URL``. Kept out of the
    folder's conftest because the standalone side of ``redis_backend`` needs the
    real ``redis_url``.
    """
    return redis_cluster.url
