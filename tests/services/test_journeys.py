"""Reputation, journeys and their picture, journal notes, data export and forgetting;
on both engines."""

from __future__ import annotations

import io
import json
from datetime import timedelta

from PIL import Image
from sqlalchemy import func, select

from adapters.app import App
from storage.tables import journeys as journeys_t
from storage.tables import members as members_t
from storage.tables import reviews as reviews_t
from tests.services.ledger_support import clean, held, snapshot
from tests.services.test_events import active_circle, advance_to
from tests.services.test_obligations import hold
from tests.support import Community, Said


async def _trade(community: Community, app: App) -> int:
    """bob issues carol 3h; carol redeems 2h of them, bob delivers, carol confirms."""
    await community.ok("bob", "!voucher issue @carol 3 cooking")
    request = await community.ok("carol", "!voucher redeem @bob 2 cooking lesson")
    number = int(request.outcome.reply.params["number"])
    await community.ok("bob", f"!voucher deliver {number}")
    await community.ok("carol", f"!voucher confirm {number}")
    return number


def _positions(text: str, *parts: str) -> list[int]:
    found = [text.find(p) for p in parts]
    assert -1 not in found, [p for p, at in zip(parts, found, strict=True) if at < 0]
    return found


async def test_a_journey_tells_the_story_in_time_order_with_a_picture(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await hold(community, app, ballots={"bob": True, "dan": True})
    await advance_to(app, app.clock.now() + timedelta(days=1))
    await _trade(community, app)
    await community.ok("bob", "!journal add Ordered dinner in Spanish for the first time")

    said = await community.ok("bob", "!journey")
    assert said.key == "journey.page" and said.private
    text = said.text
    joined, attended, reviewed, issued, delivered, note = _positions(
        text,
        "joined the circle **spanish-a2**",
        "attended **Meetup** (#2, spanish-a2) ✅ judged at level",
        "reviewed **Meetup** (#2): at level",
        "issued 3h of their time to carol",
        "delivered 2h of cooking lesson to carol",
        "📝 Ordered dinner in Spanish",
    )
    assert joined < attended < reviewed < issued < delivered < note
    # The picture comes with it: a PNG with the validated event's green in it.
    (picture,) = said.outcome.reply.attachments
    assert picture.content_type == "image/png"
    image = Image.open(io.BytesIO(picture.data)).convert("RGB")
    assert image.width >= 800
    carol = await community.ok("carol", "!journey")
    assert "received 2h of cooking lesson from bob" in carol.text
    alice = await community.ok("alice", "!journey")
    assert "leads the circle **spanish-a2**" in alice.text
    assert "hosted **Meetup** (#2, spanish-a2) ✅ judged at level" in alice.text


async def test_others_see_what_a_member_did_but_not_their_notes_or_votes(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await hold(community, app, ballots={"bob": True, "dan": False})
    await community.ok("bob", "!journal add private thought")
    seen = await community.ok("carol", "!journey @bob")
    assert "reviewed **Meetup** (#2)" in seen.text
    assert "at level" not in seen.text.split("reviewed **Meetup** (#2)")[1].split("\n")[0]
    assert "private thought" not in seen.text
    assert "private thought" in (await community.ok("bob", "!journey")).text


async def test_long_journeys_come_in_pages_newest_first(community: Community, app: App) -> None:
    await community.people(("bob", "Lagos, Nigeria"))
    for i in range(1, 21):
        await community.ok("bob", f"!journal add note {i:02d}")
        app.clock.advance(timedelta(minutes=1))
    newest = await community.ok("bob", "!journey")
    assert "moments 6–20 of 20 (page 1 of 2)" in newest.text
    assert "note 06" in newest.text and "note 20" in newest.text and "note 05" not in newest.text
    assert newest.text.index("note 06") < newest.text.index("note 20")
    assert "`!journey page:2`" in newest.text
    assert len(newest.outcome.reply.attachments) == 1
    earlier = await community.ok("bob", "!journey page:2")
    assert "page 2 counting back from the newest" in earlier.text
    assert "note 01" in earlier.text and "note 06" not in earlier.text
    assert "Earlier moments" not in earlier.text
    assert earlier.outcome.reply.attachments == ()
    beyond = await community.say("bob", "!journey page:3")
    assert beyond.key == "journey.no_page" and "2 page(s)" in beyond.text
    empty = await community.ok("carol", "!journey")
    assert empty.key == "journey.empty"


def _journey_lines(said: Said) -> list[str]:
    return [line for line in said.text.splitlines() if " · " in line]


async def test_every_page_read_back_is_the_journey_in_order(community: Community, app: App) -> None:
    await active_circle(community)
    await hold(community, app, ballots={"bob": True, "dan": True})
    await advance_to(app, app.clock.now() + timedelta(days=1))
    await _trade(community, app)
    for i in range(3):  # at one instant: their order is kept all the same
        await community.ok("bob", f"!journal add same moment {i}")
    for reader, whose in (("bob", ""), ("carol", " @bob")):
        whole = _journey_lines(await community.ok(reader, f"!journey{whose}"))
        await community.ok("alice", "!admin settings page_size 2")
        paged: list[str] = []
        page = 1
        while True:
            said = await community.say(reader, f"!journey{whose} page:{page}")
            if said.key == "journey.no_page":
                break
            paged = _journey_lines(said) + paged
            page += 1
        await community.ok("alice", "!admin settings page_size 15")
        assert paged == whole and len(whole) >= 5
        assert page == -(-len(whole) // 2) + 1
    assert any("same moment" in line for line in paged) is False


async def _notes(app: App) -> int:
    async with app.engine.connect() as conn:
        counted = select(func.count()).select_from(journeys_t.journal_notes)
        return int((await conn.execute(counted)).scalar_one())


async def test_a_journal_note_over_the_limit_is_refused_and_nothing_is_kept(
    community: Community, app: App
) -> None:
    await community.people(("bob", "Lagos, Nigeria"))
    long = await community.say("bob", "!journal add " + "x" * 501)
    assert long.outcome.refused and "500" in long.text
    missing = await community.say("bob", "!journal add")
    assert missing.outcome.refused and "journal add" in missing.text
    assert await _notes(app) == 0
    fits = await community.ok("bob", "!journal add " + "x" * 500)
    assert fits.key == "journal.added" and await _notes(app) == 1


async def test_reputation_is_a_track_record(community: Community, app: App) -> None:
    await active_circle(community)
    await hold(community, app, ballots={"bob": True, "dan": True})
    await hold(community, app, ballots={"bob": False, "dan": False})
    number = await hold(community, app, ballots={})
    await community.ok("alice", f"!review status {number}")
    # A rating comes with a ballot.
    start = app.clock.now() + timedelta(days=1)
    scheduled = await community.ok(
        "alice", f"!event schedule spanish-a2 Rated {start.isoformat()} 1h hosts:@alice"
    )
    rated = int(scheduled.outcome.reply.params["number"])
    await advance_to(app, start)
    await community.ok("bob", f"!event checkin {rated}")
    await advance_to(app, start + timedelta(hours=1, minutes=31))
    await community.ok("bob", f"!review vote {rated} at-level 4")
    await _trade(community, app)
    await community.ok("carol", "!voucher redeem @bob 30m cooking")
    for line in ("!voucher decline {n}", "!voucher deliver {n}"):
        asked = await community.ok("carol", "!voucher redeem @bob 15m cooking")
        await community.ok("bob", line.format(n=asked.outcome.reply.params["number"]))
    await community.ok("carol", f"!voucher dispute {asked.outcome.reply.params['number']}")
    # One that has begun, not yet reviewed; and one still to come, which is not counted.
    soon = app.clock.now() + timedelta(hours=1)
    for when in (soon, soon + timedelta(days=7)):
        await community.ok(
            "alice", f"!event schedule spanish-a2 Later {when.isoformat()} 1h hosts:@alice"
        )
    await advance_to(app, soon + timedelta(minutes=5))

    alice = await community.ok("bob", "!reputation @alice")
    # The rated event had one ballot from its one attendee: closed early, without a quorum.
    hosted = "Hosted 5 event(s): 1 judged at level, 1 below, 2 without a quorum, 1 not yet closed"
    assert hosted in alice.text
    assert "(25% of closed reviews at level)" in alice.text
    assert "4.0 of 5 from 1 rating(s)" in alice.text
    bob = await community.ok("bob", "!reputation")
    assert "Review ballots cast: 3" in bob.text
    assert "Hours issued 3h, delivered 2h, outstanding 1h" in bob.text
    assert "1 delivered and confirmed, 1 open, 1 declined, 1 disputed (33%" in bob.text
    assert "no assessed learners yet" in bob.text


async def test_a_providers_pass_rate_is_part_of_their_record(
    community: Community, app: App
) -> None:
    await community.people(
        ("alice", "Bournemouth, UK"),
        ("bob", "Bournemouth, UK"),
        ("tina", "Lima, Peru"),
        ("ava", "Quito, Ecuador"),
    )
    await community.ok("alice", "!admin role @ava assessor")
    await community.ok("tina", '!provider register "Spanish" 2 Money back')
    proposed = await community.ok("alice", "!agreement propose @tina spanish @bob 2")
    number = int(proposed.outcome.reply.params["number"])
    await community.ok("bob", f"!agreement join {number}")
    await community.ok("tina", f"!agreement accept {number}")
    await community.ok("ava", f"!assess {number} @alice pass held a conversation")
    await community.ok("ava", f"!assess {number} @bob fail not yet")
    tina = await community.ok("alice", "!reputation @tina")
    assert "50% of learners passed their assessment (1 of 2)" in tina.text
    journey = await community.ok("alice", "!journey")
    assert "agreed to learn spanish from tina" in journey.text
    assert "✅ passed the assessment in spanish" in journey.text
    taught = await community.ok("tina", "!journey")
    assert "agreed to teach spanish" in taught.text
    assert "❌ their learner bob did not pass spanish" in taught.text


async def test_data_export_holds_everything_about_the_member(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await _trade(community, app)
    await community.ok("bob", "!journal add kept for me")
    said = await community.ok("bob", "!data export")
    assert said.key == "data.exported" and said.private
    (attachment,) = said.outcome.reply.attachments
    data = json.loads(attachment.data)
    assert data["profile"]["name"] == "bob"
    assert data["profile"]["context"] == "Lagos, Nigeria"
    assert [n["text"] for n in data["journal"]] == ["kept for me"]
    assert len(data["transfers"]) >= 3 and len(data["redemptions"]) == 1
    assert {s["circle_id"] for s in data["circle_seats"]} == {1}
    assert any(a["command"] == "voucher issue" for a in data["audit"])


async def _forgotten_state(app: App) -> tuple[list[str], int, int]:
    async with app.engine.connect() as conn:
        names = [
            r.display_name for r in await conn.execute(select(members_t.members.c.display_name))
        ]
        comments = (
            await conn.execute(
                select(func.count())
                .select_from(reviews_t.review_ballots)
                .where(reviews_t.review_ballots.c.comment.is_not(None))
            )
        ).scalar_one()
        notes = (
            await conn.execute(select(func.count()).select_from(journeys_t.journal_notes))
        ).scalar_one()
    return names, int(comments), int(notes)


async def test_forgetting_replaces_the_name_everywhere_and_the_ledger_still_balances(
    community: Community, app: App
) -> None:
    await active_circle(community)
    start = app.clock.now() + timedelta(days=1)
    await community.ok("alice", f"!event schedule spanish-a2 Meetup {start.isoformat()} 1h")
    await advance_to(app, start)
    await community.ok("bob", "!event checkin 2")
    await advance_to(app, start + timedelta(hours=1, minutes=31))
    await community.ok("bob", "!review vote 2 at-level 5 a lovely evening with alice")
    await _trade(community, app)
    noted = await community.say("bob", "!journal add my own words", key="bob-note")
    assert noted.key == "journal.added"
    assert (await _forgotten_state(app))[1:] == (1, 1)

    asked = await community.ok("bob", "!data forget")
    assert asked.key == "data.forget_ask" and "data forget confirm" in asked.text
    assert "bob" in (await _forgotten_state(app))[0]

    done = await community.ok("bob", "!data forget confirm")
    assert done.key == "data.forgotten"
    pseudonym = str(done.outcome.reply.params["pseudonym"])
    names, comments, notes = await _forgotten_state(app)
    assert "bob" not in names and pseudonym in names
    assert (comments, notes) == (0, 0)
    # A repeated key of theirs gets neither their words back nor a second note.
    repeated = await community.say("bob", "!journal add my own words", key="bob-note")
    assert repeated.key == "data.forgotten_reply" and "my own words" not in repeated.text
    assert (await _forgotten_state(app))[2] == 0
    await clean(app)
    # Others' records still add up, under the pseudonym.
    assert await held(app, "carol", pseudonym) == 60
    balance = await community.ok("carol", "!voucher balance")
    assert f"1h of {pseudonym}'s hours" in balance.text and "bob" not in balance.text
    info = await community.ok("carol", "!circle info spanish-a2")
    assert "bob" not in info.text
    # The name is free, and whoever speaks as bob now is a new member.
    fresh = await community.ok("bob", "!journey")
    assert fresh.key == "journey.empty"


async def test_a_last_lead_must_hand_over_before_being_forgotten(
    community: Community, app: App
) -> None:
    await active_circle(community)
    before = await snapshot(app)
    names_before = (await _forgotten_state(app))[0]
    refused: Said = await community.say("alice", "!data forget confirm")
    assert refused.outcome.refused and refused.key == "circle.last_lead"
    assert await snapshot(app) == before
    assert (await _forgotten_state(app))[0] == names_before
