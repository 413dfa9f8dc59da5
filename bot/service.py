"""The core operations the Slack handlers and the CLI call: one function each.

Handlers parse a payload into plain arguments, call one of these, render the
result with ``bot.render`` and reply. Nothing here knows about Slack.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from bot.alerts.subscriptions import AlertSubscription
from bot.digests.assemble import digest_for
from bot.errors import IngestError, InputError
from bot.feeds.subscriptions import Feed
from bot.ingest.fetch import check_scheme_and_host
from bot.models import Brief, Topic
from bot.pictures.picture import Picture
from bot.topics.brief import (
    TopicStores,
    add_topic,
    brief_for,
    ensure_topic,
    follow,
    followed_briefs,
    resolve_topic,
    unfollow,
)

if TYPE_CHECKING:
    from bot.deps import Deps

__all__ = [
    "add_alerts",
    "add_feed",
    "add_topic",
    "brief_for",
    "channel_topic",
    "clear_channel_topic",
    "digest_for",
    "ensure_topic",
    "follow",
    "followed_briefs",
    "is_topic",
    "remove_feed",
    "set_channel_topic",
    "stop_alerts",
    "topic_chart",
    "topic_map",
    "topic_named",
    "topics_with_counts",
    "unfollow",
]


def topics_with_counts(deps: Deps, team: str) -> list[tuple[Topic, int]]:
    """The team's topics (seeded, user-defined, automatic) with article counts."""
    return deps.store.topics_with_counts(team)


def is_topic(deps: TopicStores, team: str, query: str) -> bool:
    """Whether ``query`` names one of the team's topics (by name or alias)."""
    return resolve_topic(deps, team, query) is not None


def topic_named(deps: TopicStores, team: str, query: str) -> Topic:
    """The topic ``query`` names, defined now (with no aliases) if there is none: a
    feed, a channel's filing or alerts make a word a topic, as following does."""
    return ensure_topic(deps, team, query)


def add_feed(deps: Deps, team: str, url: str, topic: str | None = None, user: str = "") -> Feed:
    """Follow a feed; its items are filed into ``topic`` too, when given.

    Only the address's form is checked here (an http(s) URL with a host): the
    poller fetches it through the same checks as any link, and a refused
    address shows as the feed's last error.
    """
    url = url.strip().strip("<>").split("|", 1)[0]
    try:
        check_scheme_and_host(url)
    except IngestError as exc:  # its reason says why in plain words
        raise InputError(f"that is not a feed address I can follow: {exc.reason}") from exc
    slug = topic_named(deps, team, topic).name if topic else None
    feed = Feed(id="", team=team, url=url, topic=slug, added_by=user)
    return deps.feeds.add(feed, datetime.now(UTC))


def remove_feed(deps: Deps, team: str, number: str) -> bool:
    if not number.strip().isdigit():
        raise InputError("which feed? give its number from the feed list")
    return deps.feeds.remove(team, number.strip())


def add_alerts(deps: Deps, team: str, channel: str, query: str, user: str = "") -> Topic:
    """Alerts in ``channel`` on the topic ``query`` names (defined now if need be).

    Developments that started before now are not news to the channel.
    """
    if not channel:
        raise InputError("alerts go to a channel: run this in the channel that wants them")
    topic = topic_named(deps, team, query)
    now = datetime.now(UTC).isoformat()
    deps.alerts.add(AlertSubscription(team, channel, topic.name, now, user))
    return topic


def stop_alerts(deps: Deps, team: str, channel: str, query: str) -> bool:
    topic = resolve_topic(deps, team, query)
    return deps.alerts.remove(team, channel, topic.name if topic else query.strip().lower())


def set_channel_topic(deps: Deps, team: str, channel: str, query: str) -> Topic:
    """File every article posted in ``channel`` into the topic ``query`` names."""
    topic = topic_named(deps, team, query)
    deps.channel_filing.set(team, channel, topic.name)
    return topic


def clear_channel_topic(deps: Deps, team: str, channel: str) -> bool:
    return deps.channel_filing.clear(team, channel)


def channel_topic(deps: Deps, team: str, channel: str) -> str | None:
    return deps.channel_filing.topic(team, channel)


def topic_chart(deps: Deps, team: str, query: str) -> Picture:
    """The topic's articles per day over the last four weeks, developments marked."""
    return _chart(deps, team, [brief_for(deps, team, query, mark_seen=False)])


def topic_map(deps: Deps, team: str, query: str) -> Picture:
    """The brief's places on a map, sized by mentions (places the gazetteer can place)."""
    return _map(deps, [brief_for(deps, team, query, mark_seen=False)])


def digest_pictures(deps: Deps, team: str, topics: list[str]) -> list[Picture]:
    """One chart and one map for a digest's topics together: two uploads per digest,
    whatever its number of topics, keeps a digest run within Slack's upload tier."""
    briefs = [brief_for(deps, team, t, mark_seen=False) for t in topics]
    briefs = [b for b in briefs if b.article_count]
    return [_chart(deps, team, briefs), _map(deps, briefs)] if briefs else []


def _name(briefs: list[Brief]) -> str:
    return ", ".join(b.topic for b in briefs) or "no topic"


def _chart(deps: Deps, team: str, briefs: list[Brief]) -> Picture:
    from bot.pictures.chart import Mark, chart_alt, volume_chart_png

    daily: dict[str, int] = {}
    marks = []
    for brief in briefs:
        if brief.known_topic:
            for day, n in deps.topic_state.volume(team, brief.topic).items():
                daily[day] = daily.get(day, 0) + n
        marks += [Mark(d.created_at.date(), d.title) for d in brief.developments]
    # one story in several topics has one title: one mark
    marks = sorted(dict.fromkeys(marks), key=lambda m: m.day)
    name = _name(briefs)
    end = max((b.generated_at for b in briefs), default=datetime.now(UTC)).date()
    title = f"{name}: articles per day"
    png = volume_chart_png(daily, marks, end=end, title=title)
    slug = "-".join(b.topic for b in briefs)[:60] or "topic"
    return Picture(f"{slug}-chart.png", title, chart_alt(name, daily, marks, end), png)


def _map(deps: Deps, briefs: list[Brief]) -> Picture:
    from bot.gazetteer.index import Gazetteer
    from bot.pictures.places import MapPlace, map_alt, places_map_png

    gazetteer = Gazetteer.load(cache_dir=deps.settings.data_dir / "cache")
    mentions: dict[str, int] = {}
    for brief in briefs:
        for ranked in brief.locations:
            if ranked.kind != "country":  # a country is no point on a map: it hides its cities
                mentions[ranked.name] = mentions.get(ranked.name, 0) + ranked.mentions
    places = []
    for name, count in mentions.items():
        place = gazetteer.resolve(name)
        if place is not None and place.lat is not None and place.lon is not None:
            places.append(MapPlace(name, place.lat, place.lon, count))
    title = f"{_name(briefs)}: places by mentions"
    png = places_map_png(places, title=title)
    slug = "-".join(b.topic for b in briefs)[:60] or "topic"
    return Picture(f"{slug}-map.png", title, map_alt(_name(briefs), places), png)
