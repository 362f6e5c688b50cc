"""Every catalogue command, said on Matrix by real clients and answered by Junto.

The script covers a circle, events with reminders and a review by reactions,
the voucher ledger, agreements, auctions, badges, the admin commands, journeys
and personal data. A guard checks
that it names every command in the catalogue, so a new command fails this test
until it has been shown to work on Matrix.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

from nio import RoomMessageFile, RoomMessageImage

from adapters.text import parse
from bot.catalogue import default_catalogue
from tests.adapters.matrix.adapter_support import (
    CHECK,
    Person,
    Running,
    bot_account,
    join,
    joined,
    junto,
    open_room,
)
from tests.adapters.matrix.conftest import ClientFactory
from tests.adapters.matrix.synapse import Homeserver

NAMES = ("alice", "bob", "carol", "dan", "ava", "tina")


class Script:
    """Says lines as members and remembers which commands it used."""

    def __init__(self, bot: Running, room: str, people: dict[str, Person]) -> None:
        self.bot = bot
        self.room = room
        self.people = people
        self.used: set[str] = set()
        self.catalogue = default_catalogue()

    def ids(self, line: str) -> str:
        return line.format(**{name: p.user_id for name, p in self.people.items()})

    async def say(self, who: str, line: str, expect: str | None = None) -> str:
        text = self.ids(line)
        self.used.add(parse(text, "!", self.catalogue).command)
        answer = await self.people[who].command(self.room, text, expect)
        print(f"{who}: {text}\n    -> {answer}")
        return answer

    async def number(self, who: str, line: str, expect: str) -> int:
        answer = await self.say(who, line, expect)
        found = re.search(r"#(\d+)", answer)
        assert found, answer
        return int(found.group(1))

    async def advance(self, by: timedelta) -> None:
        self.bot.app.clock.advance(by)
        await self.bot.bot.run_due()


async def test_every_catalogue_command_works_on_matrix(
    homeserver: Homeserver, matrix_client: ClientFactory, tmp_path: Path
) -> None:
    people = {name: Person(await matrix_client(name)) for name in NAMES}
    alice = people["alice"]
    account = await bot_account(homeserver)
    others = [p.user_id for n, p in people.items() if n != "alice"]
    room = await open_room(alice, [account.user_id, *others])
    for name in NAMES[1:]:
        await join(people[name], room)
    async with junto(homeserver, tmp_path, account, [room], admins=[alice.user_id]) as bot:
        await alice.until(lambda: joined(alice, room, bot.user_id), what="Junto joining")
        s = Script(bot, room, people)
        await _profiles_and_circles(s)
        await _events_and_review(s)
        await _ledger(s)
        await _agreements(s)
        await _auctions(s)
        await _badges(s)
        await _admin(s)
        await _journeys(s)

        missing = set(s.catalogue.names()) - s.used
        assert not missing, f"commands not yet shown on Matrix: {sorted(missing)}"
        for person in people.values():
            for room_id in person.seen:
                for notice in person.notices(room_id, bot.user_id):
                    assert "Something went wrong" not in notice.body, notice.body
                    assert "{" not in notice.body, notice.body


async def _profiles_and_circles(s: Script) -> None:
    await s.say("alice", "!help", "Commands")
    await s.say("alice", "!help voucher give", "voucher give")
    contexts = {
        "alice": "Bournemouth, UK",
        "bob": "Lagos, Nigeria",
        "carol": "Lima, Peru",
        "dan": "Accra, Ghana",
        "ava": "Quito, Ecuador",
        "tina": "Oslo, Norway",
    }
    for name, context in contexts.items():
        await s.say(name, f'!profile set context:"{context}" offers:guitar', "profile is updated")
    assert "Bournemouth" in await s.say("bob", "!profile show {alice}")
    await s.say("bob", "!profile link", "code")
    await s.say("bob", "!profile link NOPE-NOPE", "code")
    await s.say("alice", '!circle create spanish-a2 "Spanish at A2"', "spanish-a2")
    for name in ("bob", "carol", "dan"):
        await s.say(name, "!circle join spanish-a2", "Welcome")
    await s.say("dan", "!circle leave spanish-a2", "spanish-a2")
    await s.say("dan", "!circle join spanish-a2", "Welcome")
    assert "Spanish at A2" in await s.say("bob", "!circle info spanish-a2")
    assert "spanish-a2" in await s.say("bob", "!circle list")
    await s.say("alice", "!circle lead spanish-a2 {bob}", "lead")
    await s.say("alice", '!circle create old-books "Reading old books"', "old-books")
    await s.say("alice", "!circle archive old-books", "old-books")


async def _events_and_review(s: Script) -> None:
    event = await s.number(
        "alice",
        '!event schedule spanish-a2 "Conversation hour" "2026-12-02 18:00" 90m where:Lab',
        "scheduled",
    )
    for name in ("bob", "carol", "dan"):
        await s.say(name, f"!event rsvp {event} going", "going")
    await s.say("alice", f'!event edit {event} where:"Lab 2"', "Lab 2")
    assert "Conversation hour" in await s.say("bob", "!event list")
    assert "Lab 2" in await s.say("bob", f"!event info {event}")
    calendar = await s.say("bob", "!event calendar spanish-a2", "iCalendar")
    bob = s.people["bob"]
    direct = bob.direct_room_with(s.bot.user_id)
    assert direct is not None
    ics = await bob.until(
        lambda: [e for e in bob.events(direct) if isinstance(e, RoomMessageFile)],
        what="the calendar file",
    )
    assert ics[0].body.endswith(".ics"), calendar
    extra = await s.number(
        "alice", '!event schedule spanish-a2 "Extra hour" "2026-12-03 18:00" 1h', "scheduled"
    )
    await s.say("alice", f"!event cancel {extra}", "Cancelled")

    await s.advance(timedelta(hours=32, minutes=50))
    await s.people["dan"].direct_notice(s.bot.user_id, "Reminder")
    await s.say("alice", f"!event checkin {event}", "hosts count as present")
    for name in ("bob", "carol", "dan"):
        await s.say(name, f"!event checkin {event}", "You are checked in")
    await s.advance(timedelta(hours=1, minutes=40))
    post = await s.people["carol"].notice(s.room, "time to review it")
    await s.say("bob", f'!review vote {event} at-level 5 "lively and useful"', "counted")
    await s.people["carol"].react(s.room, post.event_id, CHECK)
    await s.people["carol"].direct_notice(s.bot.user_id, "counted")
    assert "voters" in await s.say("bob", f"!review status {event}")
    await s.say("bob", "!obligations", "membership year 1")
    await s.say("alice", "!obligations {bob}", "Attended 0 of 4")


async def _ledger(s: Script) -> None:
    await s.say("alice", '!voucher issue {bob} 2 "note taking" for the notes', "You issued 2h")
    await s.say("carol", "!voucher issue {alice} 30m cooking", "You issued 30m")
    await s.say("bob", "!voucher give {carol} {alice} 15m", "You gave 15m")
    await s.say("bob", "!voucher balance", "Your vouchers")
    await s.say("bob", "!voucher history", "Latest voucher movements")
    cancelled = await s.number("bob", "!voucher redeem {alice} 15m notes", "Request #")
    await s.say("bob", "!voucher requests", "Open redemption requests")
    await s.say("bob", f"!voucher cancel {cancelled}", "is withdrawn")
    declined = await s.number("bob", "!voucher redeem {alice} 15m notes", "Request #")
    await s.say("alice", f"!voucher decline {declined}", "You declined")
    done = await s.number("bob", "!voucher redeem {alice} 30m notes", "Request #")
    await s.say("alice", f"!voucher deliver {done}", "is marked delivered")
    await s.say("bob", f"!voucher confirm {done}", "is confirmed")
    disputed = await s.number("bob", "!voucher redeem {alice} 15m notes", "Request #")
    await s.say("alice", f"!voucher deliver {disputed}", "is marked delivered")
    await s.say("bob", f"!voucher dispute {disputed}", "disputed")
    await s.say("alice", "!admin role {dan} trustee", "trustee")
    await s.say("dan", f"!voucher resolve {disputed} delivered", "settled")


async def _agreements(s: Script) -> None:
    await s.say("tina", '!provider register "spanish, guitar" 2 tutor Money back', "tina")
    assert "tina" in await s.say("bob", "!provider list")
    await s.say("alice", "!admin role {ava} assessor", "assessor")
    agreement = await s.number(
        "alice", '!agreement propose {tina} spanish "{alice} {carol}" 1', "Agreement #"
    )
    await s.say("carol", f"!agreement join {agreement}", "confirmed 1h")
    await s.say("tina", f"!agreement accept {agreement}", "accepted agreement")
    await s.say("alice", f"!agreement info {agreement}", "spanish from")
    await s.say("alice", "!agreement list", "Your learning agreements")
    await s.say("ava", f"!assess {agreement} {{alice}} pass ordered dinner in Spanish", "pass")
    await s.say("ava", f"!assess {agreement} {{carol}} fail could not introduce herself", "fail")
    other = await s.number("carol", '!agreement propose {tina} guitar "{carol}" 1', "Agreement #")
    await s.say("tina", f"!agreement decline {other}", "declined agreement")


async def _auctions(s: Script) -> None:
    auction = await s.number(
        "tina", '!auction open {alice} 1 10 GBP "2026-12-03 12:00"', "Auction #"
    )
    await s.say("carol", f"!auction bid {auction} 11", "GBP 11.00")
    assert f"#{auction}" in await s.say("bob", "!auction list")
    assert "GBP" in await s.say("bob", f"!auction info {auction}")
    await s.advance(timedelta(days=1))
    await s.people["carol"].direct_notice(s.bot.user_id, "You won auction")
    await s.say("tina", f"!auction settle {auction}", "confirmed payment")
    second = await s.number(
        "carol", '!auction open {alice} 1 5 GBP "2026-12-05 12:00"', "Auction #"
    )
    await s.say("carol", f"!auction withdraw {second}", "took back the lot")


async def _badges(s: Script) -> None:
    bob = s.people["bob"]
    await s.say("bob", "!badge list", "bob")
    await s.say("alice", '!admin settings badge_classes "Guide=manual"', "Guide")
    await s.say("alice", '!admin settings pathway_badges "guide, mentor, skill"', "guide")
    await s.say("alice", "!badge award {bob} participant came to every session", "criteria")
    badge = await s.number("alice", "!badge award {bob} guide came to every session", "Awarded")
    assert "Guide" in await s.say("carol", "!badge list {bob}")
    await s.say("bob", "!badge pathway", "not complete yet")
    await s.say("bob", f"!badge export {badge}", "signed Open Badges 3.0 credential")
    direct = bob.direct_room_with(s.bot.user_id)
    assert direct is not None
    files = await bob.until(
        lambda: [e for e in bob.events(direct) if isinstance(e, RoomMessageFile)],
        what="the credential file",
    )
    credential = files[-1]
    assert credential.body == f"badge-{badge}.json"

    # Verified three ways: pasted, as a reply to the file, and as a file's caption.
    downloaded = await bob.client.download(mxc=credential.url)
    text = downloaded.body.decode()
    s.used.add("badge verify")
    pasted = await bob.command(direct, f"!badge verify {text}", "Valid")
    assert "Guide" in pasted
    reply = await bob.client.room_send(
        direct,
        "m.room.message",
        {
            "msgtype": "m.text",
            "body": "!badge verify",
            "m.relates_to": {"m.in_reply_to": {"event_id": credential.event_id}},
        },
    )
    assert "Valid" in (await bob.reply_to(direct, reply.event_id)).body
    uploaded, _ = await bob.client.upload(
        lambda _a, _b: io.BytesIO(downloaded.body),
        content_type="application/ld+json",
        filename="mine.json",
        filesize=len(downloaded.body),
    )
    captioned = await bob.client.room_send(
        s.room,
        "m.room.message",
        {
            "msgtype": "m.file",
            "body": "!badge verify",
            "filename": "mine.json",
            "url": uploaded.content_uri,
            "info": {"mimetype": "application/ld+json", "size": len(downloaded.body)},
        },
    )
    assert "Valid" in (await bob.reply_to(s.room, captioned.event_id)).body
    tampered = text.replace("came to every session", "came to no session")
    await bob.command(direct, f"!badge verify {tampered}", "Not a valid badge credential")
    await s.say("bob", "!pathway", "pathway: 1 of 3")
    await s.say("alice", f"!badge revoke {badge} awarded to the wrong member", "Revoked")
    revoked = await bob.command(direct, f"!badge verify {text}", "Not valid here")
    assert "revoked on" in revoked


async def _admin(s: Script) -> None:
    await s.say("alice", "!admin settings", "circle_size")
    await s.say("alice", "!admin settings circle_size 30", "30")
    await s.say("bob", "!admin settings circle_size 3", "Only community admins")


async def _journeys(s: Script) -> None:
    bob = s.people["bob"]
    assert "track record" in await s.say("carol", "!reputation {bob}")
    await s.say("bob", "!journal add ordered dinner in Spanish", "Noted in your journey")
    await s.say("bob", "!journey", "learning journey")
    direct = bob.direct_room_with(s.bot.user_id)
    assert direct is not None
    pictures = await bob.until(
        lambda: [e for e in bob.events(direct) if isinstance(e, RoomMessageImage)],
        what="the journey picture",
    )
    picture = await bob.client.download(mxc=pictures[-1].url)
    assert picture.body.startswith(b"\x89PNG")
    await s.say("bob", "!data export", "everything Junto keeps about you")
    await s.say("dan", "!data forget", "data forget confirm")
    await s.say("dan", "!data forget confirm", "you are now forgotten-")
