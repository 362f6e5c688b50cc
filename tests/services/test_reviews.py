"""Peer review by reactions and by command, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from adapters.app import App
from bot.core import Reaction
from bot.model.members import Actor
from bot.rendering import Style, render
from bot.replies import Anchor, Outcome
from storage.tables.events import events
from tests.services.test_events import (
    EVENT_START,
    SCHEDULE,
    active_circle,
    advance,
    advance_to,
    counts,
    due,
    to,
)
from tests.support import Community

END = EVENT_START + timedelta(minutes=90)
VOTERS = [("erin", "Lima, Peru"), ("femi", "Lagos, Nigeria"), ("gus", "Oslo, Norway")]


class Reactions:
    """Reactions on the review message, as a platform would report them."""

    def __init__(self, community: Community, app: App) -> None:
        self.community = community
        self.app = app
        self.count = 0

    async def post(self, event_id: int, message: str = "m-review") -> None:
        await self.app.core.record_post(
            self.community.spec, "console", message, Anchor("review", event_id)
        )

    async def react(
        self, who: str, emoji: str, *, added: bool = True, message: str = "m-review"
    ) -> Outcome | None:
        self.count += 1
        return await self.app.core.react(
            Reaction(
                Actor("console", who, who),
                f"reaction-{self.count}",
                self.community.spec,
                message,
                emoji,
                added,
            )
        )


async def attended_event(community: Community, app: App, *present: str) -> None:
    """Event #2, hosted by alice and carol, with `present` checked in; the clock at its end."""
    await active_circle(community, *VOTERS)
    await community.ok("zed", "!profile show")
    await community.ok("alice", SCHEDULE + " hosts:@alice,@carol")
    await advance_to(app, EVENT_START)
    for name in present:
        await community.ok(name, "!event checkin 2")


async def test_the_end_posts_a_review_that_reactions_judge(community: Community, app: App) -> None:
    await attended_event(community, app, "bob", "dan", "erin")
    before = await counts(app)
    running = await community.say("bob", "!review vote 2 at-level")
    assert running.key == "review.not_ended" and running.private
    assert "hasn't ended yet (it ends Wed 02 Dec 2026 19:30 UTC)" in running.text
    assert await counts(app) == before

    app.clock.advance(END - app.clock.now())
    (posted,) = await app.core.run_due()
    (place,) = posted.addresses
    assert (place.kind, place.external_id) == ("place", "general")
    post = render(posted.reply, Style())
    assert post.startswith(
        "#2 Conversation hour (spanish-a2) has ended: time to review it. Members who checked "
        "in and didn't host (voters so far: 3; hosts: alice, carol) react ✅"
    )
    assert "Voting closes Sat 05 Dec 2026 19:30 UTC" in post
    # The post stands for the event, so an adapter records it to route reactions.
    event_id = await _event_id(app)
    assert posted.reply.anchor == Anchor("review", event_id)
    assert await app.core.run_due() == []  # posted once, not again
    reactions = Reactions(community, app)
    await reactions.post(event_id)

    counted = await reactions.react("bob", "✅")
    assert counted is not None and counted.reply.key == "review.counted"
    assert counted.reply.private
    before = await counts(app)
    for who, key in (("alice", "review.host"), ("carol", "review.host")):
        refused = await reactions.react(who, "✅")
        assert refused is not None and refused.reply.key == key and refused.reply.private
    not_attendee = await reactions.react("femi", "❌")
    assert not_attendee is not None and not_attendee.reply.key == "review.not_attendee"
    not_member = await reactions.react("zed", "❌")
    assert not_member is not None and not_member.reply.key == "review.not_member"
    assert await reactions.react("bob", "👍") is None
    assert await counts(app) == before

    await reactions.react("dan", "❌")
    status = await community.ok("gus", "!review status 2")
    assert status.text.startswith("The review of #2 Conversation hour is open: 2 of 3 voters")
    assert "at level" not in status.text  # the split stays hidden until it closes

    # Everyone has voted, but check-in is still open: it doesn't close yet.
    app.clock.advance(timedelta(minutes=10))
    last = await reactions.react("erin", "✅")
    assert last is not None and not any(n.reply.key == "review.closed" for n in last.notices)
    closing = await advance(app, minutes=20)
    assert to("place:general", closing) == [
        "The review of #2 Conversation hour is closed: validated. 2 at level, 1 below, of 3 "
        "voters (a verdict needs 2 ballots)."
    ]
    status = await community.ok("gus", "!review status 2")
    assert "closed Wed 02 Dec 2026 20:00 UTC: validated. 2 at level, 1 below, of 3 voters" in (
        status.text
    )
    final = await reactions.react("dan", "✅")
    assert final is not None and final.reply.key == "review.closed_already"
    assert (
        "Review: 2 at level, 1 below, of 3 voters."
        in (await community.ok("bob", "!event info 2")).text
    )
    # Nothing is left to run for the event.
    assert await advance(app, days=4) == []


async def _event_id(app: App) -> int:
    async with app.engine.connect() as conn:
        return int((await conn.execute(select(events.c.id).where(events.c.number == 2))).one()[0])


async def test_the_last_ballot_after_check_in_closes_the_review_at_once(
    community: Community, app: App
) -> None:
    await attended_event(community, app, "bob", "dan")
    await advance_to(app, END + timedelta(minutes=45))
    await community.ok("bob", "!review vote 2 below")
    last = await community.ok("dan", "!review vote 2 below 2 too fast for me")
    assert to("place:general", last.notices) == [
        "The review of #2 Conversation hour is closed: not validated. 0 at level, 2 below, of 2 "
        "voters (a verdict needs 2 ballots)."
    ]
    assert "Rating: 2/5." in last.text
    status = await community.ok("bob", "!review status 2")
    assert "Average rating 2.0/5 (rated by 1)." in status.text


async def test_one_ballot_per_voter_the_latest_counts(community: Community, app: App) -> None:
    await attended_event(community, app, "bob", "dan", "erin", "femi")
    await advance_to(app, END)
    reactions = Reactions(community, app)
    await reactions.post(await _event_id(app))
    await reactions.react("bob", "✅")
    await reactions.react("bob", "❌")  # replaces the ✅
    # Taking off the ✅ leaves the ❌ that replaced it.
    assert await reactions.react("bob", "✅", added=False) is None
    await community.ok("dan", "!review vote 2 at-level")
    await community.ok("erin", "!review vote 2 at-level")
    # bob's ❌, dan and erin's ✅: of 4 voters quorum is 2, and 2/3 at level passes.
    closing = await advance_to(app, END + timedelta(hours=72))
    assert "validated. 2 at level, 1 below, of 4 voters" in to("place:general", closing)[0]


async def test_removing_a_reaction_withdraws_the_ballot(community: Community, app: App) -> None:
    await attended_event(community, app, "bob", "dan", "erin")
    await advance_to(app, END)
    reactions = Reactions(community, app)
    await reactions.post(await _event_id(app))
    await reactions.react("bob", "✅")
    withdrawn = await reactions.react("bob", "✅", added=False)
    assert withdrawn is not None and withdrawn.reply.key == "review.withdrawn"
    await community.ok("dan", "!review vote 2 at-level")
    await community.ok("erin", "!review vote 2 below")
    gone = await community.ok("erin", "!review vote 2 withdraw")
    assert gone.key == "review.withdrawn"
    none = await community.say("erin", "!review vote 2 withdraw")
    assert none.key == "review.no_ballot"
    # One ballot left is below quorum: unreviewed.
    closing = await advance_to(app, END + timedelta(hours=72))
    assert "unreviewed. 1 at level, 0 below, of 3 voters" in to("place:general", closing)[0]


async def test_quorum_is_two_or_a_third_of_the_voters(community: Community, app: App) -> None:
    extra = [(f"v{i}", f"Town {i}") for i in range(4)]
    await active_circle(community, *VOTERS, *extra)
    await community.ok("alice", SCHEDULE)
    await advance_to(app, EVENT_START)
    voters = ["bob", "dan", "erin", "femi", "gus", "v0", "v1"]  # 7 voters: quorum 3
    for name in voters:
        await community.ok(name, "!event checkin 2")
    await advance_to(app, END)
    await community.ok("bob", "!review vote 2 at-level")
    await community.ok("dan", "!review vote 2 at-level")
    status = await community.ok("v2", "!review status 2")
    assert "2 of 7 voters have voted, and a verdict needs 3 ballots" in status.text
    # The window ends with two ballots: no quorum, so it stays unreviewed.
    await advance_to(app, END + timedelta(hours=72) - timedelta(minutes=1))
    await advance(app, minutes=1)
    status = await community.ok("v2", "!review status 2")
    assert ": unreviewed. 2 at level, 0 below, of 7 voters (a verdict needed 3)" in status.text
    late = await community.say("erin", "!review vote 2 at-level")
    assert late.key == "review.closed_already"


async def test_bad_ballots_get_a_clear_reply_and_change_nothing(
    community: Community, app: App
) -> None:
    await attended_event(community, app, "bob")
    await community.ok("alice", '!event schedule spanish-a2 Gone "2026-12-03 18:00" 1h')
    await community.ok("alice", "!event cancel 3")
    await advance_to(app, END)
    before = await counts(app)
    cases = {
        ("bob", "!review vote 3 at-level"): "review.cancelled",
        ("bob", "!review vote 99 at-level"): "event.unknown",
        ("bob", "!review vote 2 great"): "input.choice",
        ("bob", "!review vote 2 at-level 6"): "input.range",
        ("alice", "!review vote 2 at-level"): "review.host",
        ("dan", "!review vote 2 at-level"): "review.not_attendee",
        ("zed", "!review vote 2 at-level"): "review.not_member",
    }
    for (who, line), key in cases.items():
        refused = await community.say(who, line)
        assert refused.key == key, (line, refused.text)
        assert refused.private
    assert (
        "You hosted #2, and hosts don't review their own event"
        in (await community.say("alice", "!review vote 2 below")).text
    )
    assert await counts(app) == before
    pending = await community.ok("bob", "!review status 3")
    assert pending.key == "review.status_cancelled"


async def test_a_ballot_after_the_window_is_refused_even_before_the_count(
    community: Community, app: App
) -> None:
    await attended_event(community, app, "bob", "dan")
    await advance_to(app, END)
    # Without running the closing job, the window still ends on time.
    app.clock.advance(timedelta(hours=72))
    late = await community.say("bob", "!review vote 2 at-level")
    assert late.key == "review.closed_late"
    assert "closed at Sat 05 Dec 2026 19:30 UTC" in late.text


async def test_a_vote_before_the_review_post_still_counts(community: Community, app: App) -> None:
    await attended_event(community, app, "bob", "dan")
    # The runner is late: the event has ended but its review is not posted yet.
    app.clock.advance(END - EVENT_START)
    counted = await community.ok("bob", "!review vote 2 at-level")
    assert counted.key == "review.counted"
    notices = await due_only(app)
    assert any(text.startswith("#2 Conversation hour (spanish-a2) has ended") for text in notices)


async def due_only(app: App) -> list[str]:
    return [text for _, text in await due(app)]


async def test_concurrent_last_ballots_close_the_review_once(
    community: Community, app: App
) -> None:
    voters = [(f"v{i}", f"Town {i}") for i in range(8)]
    await active_circle(community, *voters)
    await community.ok("alice", SCHEDULE)
    await advance_to(app, EVENT_START)
    for name, _ in voters:
        await community.ok(name, "!event checkin 2")
    await advance_to(app, END + timedelta(minutes=31))
    results = await asyncio.gather(
        *(community.say(name, "!review vote 2 at-level") for name, _ in voters)
    )
    assert [r.key for r in results] == ["review.counted"] * 8
    closed = [text for r in results for where, text in r.notices if where == "place:general"]
    assert closed == [
        "The review of #2 Conversation hour is closed: validated. 8 at level, 0 below, of 8 "
        "voters (a verdict needs 3 ballots)."
    ]
