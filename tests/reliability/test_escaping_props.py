"""Property test (hypothesis): whatever a user types after ``/brief``, the answer
pings nobody and carries no link the user made (issue 7, item 3).

It drives ``handlers.commands.answer`` (what the ``/brief`` listener acks with)
on a real Redis, so every subcommand runs for real: briefs of unknown topics,
follows, topic definitions, digest subscriptions. The parser alone and the
escaping helpers alone have their own properties in ``tests/bot``.
"""

from __future__ import annotations

import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot import render
from bot.deps import Deps
from handlers.commands import answer
from tests.fakeslack import slash_command

INJECTIONS = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U0BOSS>",
    "<#C0123|general>",
    "<!subteam^S1|@desk>",
    "<https://evil.example|click>",
    "<mailto:x@evil.example>",
    "&lt;!channel&gt;",
    "&",
    "<",
    ">",
    "|",
    "*",
    "_",
    "~",
    "`",
    '"',
    ",",
    " at 07:00",
    " ",
    "\n",
]
VERBS = ["", "follow ", "unfollow ", "topic add ", "digest ", "digest remove ", "topics ", "help "]
words = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=10)
texts = st.builds(
    lambda verb, parts: verb + "".join(parts),
    st.sampled_from(VERBS),
    st.lists(st.one_of(st.sampled_from(INJECTIONS), words), max_size=8),
)
OWN_DATE = re.compile(r"<!date\^[0-9]+\^[^|>]*\|[^>]*>")  # the date token we write ourselves


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=texts)
def test_no_answer_pings_or_links_what_the_user_typed(deps: Deps, text: str) -> None:
    kind, blocks = answer(deps, slash_command(text))
    dumped = OWN_DATE.sub("", json.dumps(render.blocks_to_dicts(blocks), ensure_ascii=False))
    assert 0 < len(blocks) <= 50
    for token in ("<!", "<@", "<#", "<https://evil", "<mailto"):
        assert token not in dumped, (kind, text, dumped[:400])
    fallback = render.blocks_text(blocks)
    assert "<!" not in OWN_DATE.sub("", fallback) and "<@" not in fallback
