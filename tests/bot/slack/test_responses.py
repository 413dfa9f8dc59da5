"""Which ``response_url`` addresses briefbot posts to (``bot.slack.responses``):
only Slack's own, or the configured Web API's origin (the fake Slack in tests)."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.slack.responses import trusted_response_url

SLACK = Settings()  # SLACK_API_URL left at https://slack.com/api/
FAKE = Settings(slack_api_url="http://127.0.0.1:8123/api/")


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.slack.com/commands/T1/123/abc",
        "https://hooks.slack.com/actions/T1/123/abc",
        "https://HOOKS.slack.com/commands/T1/123/abc",
        "https://hooks.slack.com:443/commands/T1/123/abc",
    ],
)
def test_slacks_own_hooks_are_posted_to(url: str) -> None:
    assert trusted_response_url(url, SLACK) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.slack.com/commands/T1/1/a",  # not TLS
        "https://hooks.slack.com:8443/commands/T1/1/a",  # another port
        "https://hooks.slack.com.evil.example/commands/T1/1/a",
        "https://evil.example/hooks.slack.com/commands",
        "https://hooks.slack.com@evil.example/commands/T1/1/a",  # credentials: another host
        "https://evil.example\\@hooks.slack.com/commands/T1/1/a",  # parsers disagree
        "https://hooks.slack.com\t/commands",
        "https://hooks.slack.com/commands/\nHost: evil",
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:8123/response/x",  # the fake's origin, but not configured here
        "https://[::1]/commands",
        "https://hooks.slack.com:99999/commands",  # a port out of range
        "https://[hooks.slack.com/commands",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "//hooks.slack.com/commands/T1/1/a",
        "https://hooks.slack.com",  # no path
        "https://hooks.slack.com/" + "a" * 3000,
        "",
        None,
        42,
        ["https://hooks.slack.com/commands/T1/1/a"],
    ],
)
def test_anything_else_is_refused(url: object) -> None:
    assert trusted_response_url(url, SLACK) is None


def test_the_configured_web_apis_origin_is_trusted_and_only_it() -> None:
    assert trusted_response_url("http://127.0.0.1:8123/response/x", FAKE)
    assert trusted_response_url("https://hooks.slack.com/commands/T1/1/a", FAKE)
    assert trusted_response_url("http://127.0.0.1:8124/response/x", FAKE) is None
    assert trusted_response_url("http://localhost:8123/response/x", FAKE) is None
    assert trusted_response_url("https://127.0.0.1:8123/response/x", FAKE) is None
