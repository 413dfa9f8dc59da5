"""What a worker does with a queued link: ingest it, then reply in Slack.

At-least-once delivery from the queue plus two idempotency guards gives one
reply per link: the pipeline does not ingest a known URL twice, and a reply
marker in Redis (set right after Slack confirms the post) stops a redelivered
job from posting again.
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import render
from bot.edits import retention
from bot.errors import AnswerInFlight, FetchError, NotInstalled
from bot.feeds.submit import FEED_ITEM
from bot.jobs import pipeline
from bot.jobs.queue import Job
from bot.models import IngestResult
from bot.slack.client import SlackClients
from bot.store.team import ReplyLocation

if TYPE_CHECKING:
    from bot.deps import Deps

log = logging.getLogger(__name__)

REPLY_MARKER_TTL = 7 * 24 * 3600
# shortest life of the claim on a reply being posted (see ``_reply_once``)
REPLY_CLAIM_MIN_SECONDS = 30


class SlackJobHandler:
    """The worker's ``JobHandler`` and ``DeadLetterHandler`` for Slack jobs.

    Each job is answered with its own workspace's bot token (``SlackClients``);
    a job of a workspace that uninstalled meanwhile is dropped, unanswered.
    """

    def __init__(self, deps: Deps, clients: SlackClients) -> None:
        self.deps = deps
        self.clients = clients

    # ---- JobHandler -------------------------------------------------------------

    def __call__(self, job: Job) -> None:
        try:
            client = self.clients.for_team(job.team)
        except NotInstalled as exc:
            log.info("job=%s dropped: %s", job.id, exc)
            return
        _Answer(self.deps, client).run(job)

    # ---- AbandonHandler ---------------------------------------------------------

    def abandon(self, job: Job) -> None:
        """Before the job is dead-lettered: remove what it stored but did not file."""
        for article in retention.discard_unfiled(self.deps, job.team, job.id):
            log.warning(
                "job=%s given up: article=%s was stored but not filed in all its topics; "
                "removed (posting the link again ingests it afresh)",
                job.id,
                article.id,
            )

    # ---- DeadLetterHandler ------------------------------------------------------

    def on_dead(self, job: Job, reason: str) -> None:
        """Tell the poster why their link was not summarised."""
        self.deps.metrics.ingest_jobs.labels(outcome="dead").inc()
        if job.kind != "ingest_url" or "channel" not in job.payload:
            return
        if self.deps.store.seen(job.team, _reply_marker(job.payload)):
            return  # another delivery answered the link: no failure notice after it
        try:
            client = self.clients.for_team(job.team)
        except NotInstalled as exc:
            log.info("job=%s: no dead-letter notice: %s", job.id, exc)
            return
        failed = IngestResult(source=job.payload["url"], status="failed", reason=reason)
        _Answer(self.deps, client).post(
            channel=job.payload["channel"],
            thread_ts=job.payload.get("ts"),
            blocks=render.ingest_reply_blocks(failed),
            text=render.ingest_fallback(failed),
        )


class _Answer:
    """One job's work and reply, with its workspace's client."""

    def __init__(self, deps: Deps, client: WebClient) -> None:
        self.deps = deps
        self.client = client

    def run(self, job: Job) -> None:
        p = job.payload
        also = [p["topic"]] if p.get("topic") else []
        if job.kind == FEED_ITEM:
            self._file_feed_item(job, also)
            return
        if job.kind == "ingest_url" and p.get("channel"):
            # a channel that files everything posted in it into one topic
            channel_topic = self.deps.channel_filing.topic(job.team, p["channel"])
            also += [channel_topic] if channel_topic else []
        marker = _reply_marker(p)
        if self.deps.store.seen(job.team, marker):
            log.info("job=%s already answered, skipping the reply", job.id)
            return
        results = pipeline.ingest_url(
            self.deps,
            job.team,
            p["url"],
            self.deps.metrics.observe_stage,
            job=job.id,
            channel=p.get("channel", ""),
            ts=p.get("ts", ""),
            also=also,
        )
        result = results[0]
        if result.status == "failed" and result.retryable and job.attempts < self._max_attempts:
            # let the queue retry later; the user hears only the final outcome
            raise FetchError(result.reason or "", reason=result.reason)
        self.deps.metrics.ingest_jobs.labels(outcome=result.status).inc()
        if job.kind == "unfurl":
            self._unfurl(job, result)
        else:
            self._reply_once(job, marker, result, results)
        self.deps.store.mark_seen(job.team, marker, REPLY_MARKER_TTL)

    def _reply_once(
        self, job: Job, marker: str, result: IngestResult, results: list[IngestResult]
    ) -> None:
        """Post the reply unless another delivery of this job is posting it.

        The check of ``marker`` at the start is not enough: a holder that stalled
        past ``job_claim_idle`` wakes up while the worker that reclaimed the job is
        running it too, and both would post. The claim on the reply is taken just
        before posting; whoever loses it backs off (``AnswerInFlight``: the job is
        given back uncounted) and on its retry finds the reply made. The claim
        lapses, so a holder that dies between claiming and posting delays the
        reply, never loses it.
        """
        claim = f"replying:{marker}"
        lapse = max(REPLY_CLAIM_MIN_SECONDS, math.ceil(2 * self.deps.settings.job_claim_idle))
        if not self.deps.store.first_time(job.team, claim, lapse):
            if self.deps.store.seen(job.team, marker):
                log.info("job=%s answered by another delivery meanwhile", job.id)
                return
            raise AnswerInFlight(job.id)
        try:
            self._reply(job, result, results)
        except BaseException:
            self.deps.store.forget(job.team, claim)  # not posted: the retry may post
            raise

    def _file_feed_item(self, job: Job, also: list[str]) -> None:
        """A feed's item: ingested and filed like a pasted link, with no reply."""
        results = pipeline.ingest_url(
            self.deps,
            job.team,
            job.payload["url"],
            self.deps.metrics.observe_stage,
            also=also,
            job=job.id,
        )
        result = results[0]
        if result.status == "failed" and result.retryable and job.attempts < self._max_attempts:
            raise FetchError(result.reason or "", reason=result.reason)
        self.deps.metrics.ingest_jobs.labels(outcome=result.status).inc()

    @property
    def _max_attempts(self) -> int:
        return self.deps.settings.job_max_attempts

    def _reply(self, job: Job, result: IngestResult, results: list[IngestResult]) -> None:
        channel, ts = job.payload["channel"], job.payload["ts"]
        result = self._resumed(job, result) or result
        if result.status == "duplicate" and result.duplicate_of:
            blocks = self._duplicate_blocks(job.team, result.duplicate_of)
            text = render.ingest_fallback(result)
        else:
            if len(results) > 1:  # a feed: summarise what it brought in
                result = _feed_result(job.payload["url"], results)
            blocks = render.ingest_reply_blocks(result)
            text = render.ingest_fallback(result)
        posted = self.post(channel=channel, thread_ts=ts, blocks=blocks, text=text)
        if result.status == "ingested" and result.article is not None:
            where = ReplyLocation(channel=channel, ts=str(posted.get("ts", "")))
            self.deps.store.set_reply(job.team, result.article.id, where)

    def _resumed(self, job: Job, result: IngestResult) -> IngestResult | None:
        """The summary again, when this job stored the article on an earlier attempt
        whose reply never reached Slack (Slack down past the client's retries, or
        a crash between storing and posting). Without this the rerun would find
        its own article and answer "already summarised", linking to nothing."""
        if result.status != "duplicate" or not result.duplicate_of:
            return None
        if self.deps.store.get_reply(job.team, result.duplicate_of):
            return None  # a real earlier summary exists: point to it
        article = self.deps.store.get_article(job.team, result.duplicate_of)
        here = (job.payload.get("channel"), job.payload.get("ts"))
        if article is None or (article.slack_channel, article.slack_ts) != here:
            return None
        now = datetime.now(UTC)
        # joining an article that is already filed returns its development unchanged
        joined = [
            self.deps.topic_state.add_article(job.team, slug, article, now)
            for slug in article.topics
        ]
        return IngestResult(
            source=result.source, status="ingested", article=article, developments=joined
        )

    def _duplicate_blocks(self, team: str, article_id: str) -> list[Any]:
        article = self.deps.store.get_article(team, article_id)
        title = article.title if article else "this article"
        where = self.deps.store.get_reply(team, article_id)
        permalink = None
        if where and where.ts:
            try:
                answer = self.client.chat_getPermalink(channel=where.channel, message_ts=where.ts)
                permalink = str(answer.get("permalink") or "") or None
            except SlackApiError as exc:
                log.info("no permalink for article=%s: %s", article_id, exc.response.get("error"))
        return render.duplicate_reply_blocks(title, permalink, article.id if article else None)

    def _unfurl(self, job: Job, result: IngestResult) -> None:
        article = result.article
        if article is None and result.duplicate_of:
            article = self.deps.store.get_article(job.team, result.duplicate_of)
        if article is None:
            return  # nothing to show: Slack keeps its own preview
        shown = IngestResult(source=result.source, status="ingested", article=article)
        blocks = render.blocks_to_dicts(render.ingest_reply_blocks(shown))
        self.client.chat_unfurl(
            channel=job.payload["channel"],
            ts=job.payload["ts"],
            unfurls={job.payload["url"]: {"blocks": blocks}},
        )

    def post(self, **kwargs: Any) -> dict[str, Any]:
        try:
            return dict(self.client.chat_postMessage(**kwargs).data)  # type: ignore[arg-type]
        except SlackApiError as exc:
            error = str(exc.response.get("error"))
            self.deps.metrics.slack_errors.labels(method="chat.postMessage", error=error).inc()
            raise


def _feed_result(url: str, results: list[IngestResult]) -> IngestResult:
    ingested = [r for r in results if r.status == "ingested"]
    if not ingested:
        return IngestResult(source=url, status="failed", reason="no new articles in the feed")
    first = ingested[0]
    first.source = url
    return first


def _reply_marker(payload: dict[str, Any]) -> str:
    """Set once a link's reply is posted: a redelivered job does not post again."""
    return f"replied:{payload.get('channel')}:{payload.get('ts')}:{payload['url']}"
