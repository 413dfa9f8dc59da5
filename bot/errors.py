"""briefbot's exception tree.

    BriefbotError                 base of everything we raise on purpose
    ├── ConfigError               a setting is missing or malformed
    ├── StoreUnavailable          Redis cannot be reached right now ("temporarily unavailable")
    │   └── StoreFull             Redis is out of memory and refuses writes (back-pressure)
    ├── EvictingStore             Redis may evict keys (maxmemory-policy): refuse to run
    ├── SchemaTooNew              the store was written by a newer briefbot: refuse to run
    ├── TopicBusy                 another writer holds the topic's lock ("busy, try again")
    ├── NotInstalled              a workspace has no bot token here (not installed, or uninstalled)
    ├── InputError                bad input from a user, a file or Slack
    │   ├── TopicNameError        a topic name that is empty, too long or unusable
    │   ├── CommandError          an unknown or malformed /brief subcommand
    │   └── FieldError            one field of a Slack form is wrong (``field`` names it)
    └── IngestError               an article could not be ingested; ``reason`` is for users
        ├── FetchError            the page could not be fetched
        │   ├── AddressNotAllowed private, loopback, link-local... address, or a bad scheme
        │   ├── TooLarge          body or decompressed body over the cap
        │   ├── FetchTimeout      connect/read/total time over the cap
        │   └── BlockedBySite     the site answered 401/403/429 or similar
        ├── NotAnArticle          no article text on the page (home page, paywall, not HTML)
        └── ExtractTimeout        extraction ran over its hard time limit

Every ``IngestError`` carries ``reason``: a short plain-words phrase shown to the
user in Slack ("address not allowed (private network)", "too large", ...).
"""

from __future__ import annotations


class BriefbotError(Exception):
    """Base class of briefbot's own errors."""


class ConfigError(BriefbotError):
    """A setting is missing or malformed."""


class StoreUnavailable(BriefbotError):
    """The Redis store cannot be reached right now; the same call may succeed later."""


class StoreFull(StoreUnavailable):
    """Redis refuses writes because it reached ``maxmemory`` (``noeviction``).

    Back-pressure, not a failure of the job or the user's link: work waits in
    the queue until memory frees, and nobody is told their link failed.
    """


class EvictingStore(BriefbotError):
    """Redis may evict keys under memory pressure: queued jobs would vanish silently."""

    def __init__(self, policy: str) -> None:
        self.policy = policy
        super().__init__(
            f"Redis maxmemory-policy is {policy}: it may evict queued jobs and stored state "
            "under memory pressure; set maxmemory-policy noeviction "
            "(or BRIEFBOT_ALLOW_EVICTION=true to run anyway)"
        )


class SchemaTooNew(BriefbotError):
    """The store's schema is newer than this code: running would risk its data.

    Not a ``StoreUnavailable``: waiting does not help, upgrading briefbot does.
    """

    def __init__(self, found: int, supported: int) -> None:
        self.found = found
        self.supported = supported
        super().__init__(
            f"the store has schema {found}, newer than this briefbot supports ({supported}); "
            "upgrade briefbot or point REDIS_URL at another store"
        )


class TopicBusy(BriefbotError):
    """Another writer held the topic's lock for longer than we wait: contention, not an outage."""

    def __init__(self, topic: str) -> None:
        self.topic = topic
        super().__init__(f"topic {topic} is busy (another update holds its lock)")


class AnswerInFlight(BriefbotError):
    """Another delivery of the same job is posting its reply right now: a job
    reclaimed from a stalled holder that then woke up. Not a failure: the job is
    given back uncounted, and its retry finds the reply made (or, if that holder
    died before posting, posts once the claim on the reply lapses)."""

    def __init__(self, job_id: str) -> None:
        super().__init__(f"job {job_id}: another delivery is posting its reply")


class NotInstalled(BriefbotError):
    """A workspace has no bot token here (never installed, or uninstalled)."""


class InputError(BriefbotError):
    """Input from outside (a user, a file, Slack) is unusable."""


class TopicNameError(InputError):
    """A topic name that is empty, too long or has no usable characters."""


class CommandError(InputError):
    """An unknown or malformed /brief subcommand."""


class FieldError(InputError):
    """One field of a form in Slack is empty or too long; ``field`` is its block id,
    so that the form can show the message under that field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class IngestError(BriefbotError):
    """An article could not be ingested. ``reason`` is shown to users."""

    reason = "could not be ingested"
    #: whether retrying the same job later could succeed
    retryable = False

    def __init__(self, detail: str = "", *, reason: str | None = None) -> None:
        if reason is not None:
            self.reason = reason
        super().__init__(detail or self.reason)


class FetchError(IngestError):
    reason = "could not be fetched"
    retryable = True


class AddressNotAllowed(FetchError):
    reason = "address not allowed"
    retryable = False


class TooLarge(FetchError):
    reason = "too large"
    retryable = False


class FetchTimeout(FetchError):
    reason = "timed out"


class BlockedBySite(FetchError):
    reason = "blocked by the site"
    retryable = False


class NotAnArticle(IngestError):
    reason = "not an article"


class ExtractTimeout(IngestError):
    reason = "timed out while extracting the article"
