"""Badges: earned only by their criteria or awarded by hand with evidence, checked for
everyone as reviews close, revoked with a reason, and signed Open Badges 3.0
credentials that carry their revocation status; on both engines."""

from __future__ import annotations

import itertools
import json
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from adapters.app import App
from bot.core import Call
from bot.credentials import multibase, openbadges, proofs
from bot.model.members import Actor
from bot.rendering import Style, render
from storage.tables.badges import badge_awards, community_keys, credential_statuses
from storage.tables.events import events
from storage.tables.members import members
from tests.services.test_events import active_circle
from tests.services.test_obligations import hold
from tests.support import Community, Said


async def verify(community: Community, text: str, who: str = "carol") -> Said:
    """As a chat platform passes an attached file: the text whole, not split into words."""
    call = Call(
        "badge verify",
        Actor("console", who, who),
        next_key(),
        community.spec,
        {"credential": text},
    )
    outcome = await community.core.run(call)
    return Said(outcome, render(outcome.reply, Style()))


_keys = itertools.count(1)


def next_key() -> str:
    return f"verify-{next(_keys)}"


async def count(app: App, table: Any) -> int:
    async with app.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def award_rows(app: App) -> list[Any]:
    async with app.engine.connect() as conn:
        query = (
            select(badge_awards, members.c.display_name)
            .join(members, members.c.id == badge_awards.c.member_id)
            .order_by(badge_awards.c.number)
        )
        return list(await conn.execute(query))


async def closed_at(app: App, number: int) -> Any:
    async with app.engine.connect() as conn:
        query = select(events.c.closed_at).where(events.c.number == number)
        return (await conn.execute(query)).scalar_one()


async def manual_classes(community: Community) -> None:
    """Two manual badges, Guide and Mentor, and a pathway of three from them and Contributor."""
    await community.ok("alice", '!admin settings badge_classes "Guide=manual; Mentor=manual"')
    await community.ok("alice", '!admin settings pathway_badges "guide, mentor, contributor"')


async def tiny_circle(community: Community) -> None:
    """bob, not an admin, leads `tiny`, where carol sits."""
    await community.ok("bob", "!circle create tiny Tiny")
    await community.ok("carol", "!circle join tiny")


def attachment(said: Said) -> str:
    (found,) = said.outcome.reply.attachments
    return found.data.decode()


# Earned only.


async def test_hosting_validated_events_earns_contributor_without_anyone_awarding(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await hold(community, app, ballots={"bob": True, "dan": True})
    assert (await community.ok("alice", "!badge list")).key == "badge.none"
    await hold(community, app, ballots={"bob": True, "dan": True})
    listed = await community.ok("alice", "!badge list")
    assert "Contributor" in listed.text and "earned" in listed.text
    # Checked again after every change, but awarded only once.
    await community.ok("alice", "!profile set offers:spanish")
    assert (await community.ok("alice", "!badge list")).text.count("Contributor") == 1
    path = await community.ok("alice", "!pathway")
    assert "1 of 3" in path.text and "Contributor" in path.text


async def test_a_closing_review_checks_every_host_attendee_and_voter_dated_at_the_close(
    community: Community, app: App
) -> None:
    await active_circle(community)
    # carol attends and never votes, so each review closes by the clock, as due work.
    numbers = [
        await hold(community, app, ballots={"bob": True, "dan": True}, present=["carol"])
        for _ in range(4)
    ]
    rows = {(r.display_name, r.code): r for r in await award_rows(app)}
    # alice hosted two: Contributor at the second close. carol, who said nothing after
    # checking in, earned Participant at the fourth close, as did bob and dan.
    assert rows[("alice", "contributor")].awarded_at == await closed_at(app, numbers[1])
    for name in ("bob", "carol", "dan"):
        assert rows[(name, "participant")].awarded_at == await closed_at(app, numbers[3])


async def test_a_review_closed_by_the_last_ballot_awards_the_host_at_once(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await hold(community, app, ballots={"bob": True, "dan": True})
    start = app.clock.now() + timedelta(days=1)
    said = await community.ok("alice", f"!event schedule spanish-a2 Meetup {start.isoformat()} 1h")
    number = int(said.outcome.reply.params["number"])
    app.clock.advance(start - app.clock.now())
    await community.ok("bob", f"!event checkin {number}")
    await community.ok("dan", f"!event checkin {number}")
    app.clock.advance(timedelta(hours=1, minutes=31))
    await community.ok("bob", f"!review vote {number} at-level")
    last = await community.ok("dan", f"!review vote {number} at-level")
    # dan's ballot closed the review, and alice, the host, was told in the same reply.
    assert any(who == "member:alice" and "**Contributor**" in text for who, text in last.notices)
    rows = {(r.display_name, r.code): r for r in await award_rows(app)}
    assert rows[("alice", "contributor")].awarded_at == await closed_at(app, number)


async def test_a_lead_awards_a_manual_badge_with_evidence_and_the_pathway_counts_it(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await manual_classes(community)
    await tiny_circle(community)
    said = await community.ok("bob", "!badge award @carol guide Ran the welcome session")
    assert said.key == "badge.awarded"
    assert any(
        who == "member:carol" and "Ran the welcome session" in text for who, text in said.notices
    )
    assert "Guide" in (await community.ok("carol", "!badge list")).text
    assert "1 of 3" in (await community.ok("carol", "!pathway")).text
    # An admin awards anyone, circle or not.
    await community.ok("alice", "!badge award @dan mentor Mentored two newcomers")


async def test_forbidden_awards_get_a_clear_private_reply_and_change_nothing(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await manual_classes(community)
    await tiny_circle(community)
    await community.people(("zed", "Oslo, Norway"))
    await community.ok("bob", "!badge award @carol guide Ran the welcome session")
    before = await count(app, badge_awards)

    async def refused(who: str, line: str, key: str, *words: str) -> None:
        said = await community.say(who, line)
        assert said.key == key, said.text
        assert said.private, said.text
        for word in words:
            assert word in said.text, said.text

    # The automatic classes come from their criteria alone, for leads and admins alike.
    for badge in ("participant", "Participant", "trustee", "time-giver", "peer-reviewer"):
        await refused(
            "bob",
            f'!badge award @carol {badge} "attended a lot"',
            "badge.automatic_only",
            "nobody awards it by hand",
            "Guide, Mentor",
        )
    await refused("alice", "!badge award @carol contributor Hosted", "badge.automatic_only")
    await refused("alice", "!badge award @carol skill-spanish Speaks well", "badge.automatic_only")
    # Nobody awards themself, admins included.
    await refused("alice", "!badge award @alice guide I ran it", "badge.self_award", "yourself")
    await refused("bob", "!badge award @bob mentor I ran it", "badge.self_award")
    # Evidence is required.
    await refused("bob", "!badge award @carol mentor", "input.missing", "evidence")
    await refused("bob", '!badge award @carol mentor "  "', "badge.no_evidence", "evidence")
    await refused("bob", "!badge award @carol mentor ...", "badge.no_evidence", "what carol did")
    # A lead awards only members of a circle they lead; a member who leads none, nobody.
    await refused("bob", "!badge award @zed mentor Helped", "badge.not_your_member")
    await refused("carol", "!badge award @dan mentor Helped", "badge.not_your_member")
    await refused("bob", "!badge award @carol astronaut Flew", "badge.unknown", "guide")
    await refused("alice", "!badge award @nobody guide Helped", "member.unknown")
    await refused("alice", "!badge award @carol guide Again", "badge.already_held")
    assert await count(app, badge_awards) == before


# Revocation.


async def test_revoking_keeps_the_reason_tells_the_holder_and_takes_the_badge_off_the_pathway(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await manual_classes(community)
    await tiny_circle(community)
    said = await community.ok("bob", "!badge award @carol guide Ran the welcome session")
    number = said.outcome.reply.params["number"]
    assert "1 of 3" in (await community.ok("carol", "!pathway")).text
    revoked = await community.ok("alice", f"!badge revoke {number} Awarded to the wrong member")
    assert revoked.key == "badge.revoked" and revoked.private
    assert any(
        who == "member:carol"
        and "revoked your badge **Guide**" in text
        and "Awarded to the wrong member" in text
        for who, text in revoked.notices
    )
    (row,) = [r for r in await award_rows(app) if r.number == number]
    assert row.revoke_reason == "Awarded to the wrong member"
    assert row.revoked_at == app.clock.now()
    listed = await community.ok("carol", "!badge list")
    assert "revoked on" in listed.text and "holds 0 badge(s)" in listed.text
    assert "0 of 3" in (await community.ok("carol", "!pathway")).text
    refused = await community.say("carol", f"!badge export {number}")
    assert refused.key == "badge.export_revoked"
    # A revoked badge is not awarded again, by hand or by a later check.
    again = await community.say("bob", "!badge award @carol guide Ran it again")
    assert again.key == "badge.revoked_before"


async def test_who_may_revoke_and_bad_revocations_change_nothing(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await manual_classes(community)
    await tiny_circle(community)
    by_admin = await community.ok("alice", "!badge award @carol guide Ran the welcome session")
    by_bob = await community.ok("bob", "!badge award @carol mentor Mentored dan")
    admin_award = by_admin.outcome.reply.params["number"]
    bob_award = by_bob.outcome.reply.params["number"]

    async def revoked_count() -> int:
        async with app.engine.connect() as conn:
            query = select(func.count()).where(badge_awards.c.revoked_at.is_not(None))
            return int((await conn.execute(query)).scalar_one())

    # A plain lead may not revoke an award someone else made, nor a plain member any.
    plain = await community.say("bob", f"!badge revoke {admin_award} Not deserved")
    assert plain.key == "badge.revoke_forbidden" and plain.private
    assert "admin or a trustee" in plain.text
    member = await community.say("dan", f"!badge revoke {bob_award} Not deserved")
    assert member.key == "badge.revoke_forbidden"
    missing = await community.say("alice", "!badge revoke 999 Not deserved")
    assert missing.key == "badge.revoke_unknown"
    no_reason = await community.say("alice", f"!badge revoke {admin_award}")
    assert no_reason.key == "input.missing" and "reason" in no_reason.text
    assert await revoked_count() == 0
    # The lead who made a manual award may take it back; a trustee may revoke any.
    await community.ok("bob", f"!badge revoke {bob_award} Awarded too early")
    await community.ok("alice", "!admin role @dan trustee")
    await community.ok("dan", f"!badge revoke {admin_award} Evidence did not hold up")
    assert await revoked_count() == 2
    twice = await community.say("alice", f"!badge revoke {admin_award} Again")
    assert twice.key == "badge.already_revoked" and twice.private
    assert "already revoked" in twice.text
    assert await revoked_count() == 2


# Credentials.


async def test_an_exported_credential_verifies_and_fails_after_one_changed_character(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await manual_classes(community)
    said = await community.ok("alice", "!badge award @bob guide Hosted two events")
    number = said.outcome.reply.params["number"]
    exported = await community.ok("bob", f"!badge export {number}")
    assert exported.key == "badge.exported"
    text = attachment(exported)
    document = json.loads(text)
    assert isinstance(document["proof"], list) and len(document["proof"]) == 1
    assert document["credentialStatus"]["type"] == "BitstringStatusListEntry"
    assert document["credentialStatus"]["statusPurpose"] == "revocation"
    assert document["evidence"][0]["narrative"] == "Hosted two events"
    assert "Awarded by hand by alice" in document["evidence"][0]["description"]
    checked = await verify(community, text)
    assert checked.key == "badge.valid", checked.text
    assert "Guide" in checked.text and "bob" in checked.text
    assert "Signature: intact" in checked.text
    assert "issued by this community" in checked.text
    assert "not revoked" in checked.text
    tampered = await verify(community, text.replace("Hosted two", "Hosted ten"))
    assert tampered.key == "badge.invalid" and "changed after it was signed" in tampered.text
    garbage = await community.ok("carol", "!badge verify hello there")
    assert "not JSON" in garbage.text
    # The community's key is made once and reused, and so is the credential's status entry.
    again = await community.ok("bob", f"!badge export {number}")
    assert json.loads(attachment(again))["credentialStatus"] == document["credentialStatus"]
    assert await count(app, community_keys) == 1
    assert await count(app, credential_statuses) == 1


async def test_a_revoked_credential_is_reported_revoked_with_the_date(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await manual_classes(community)
    said = await community.ok("alice", "!badge award @bob guide Hosted two events")
    number = said.outcome.reply.params["number"]
    text = attachment(await community.ok("bob", f"!badge export {number}"))
    app.clock.advance(timedelta(days=3))
    await community.ok("alice", f"!badge revoke {number} Hosted by someone else")
    checked = await verify(community, text)
    assert checked.key == "badge.not_valid", checked.text
    assert "revoked on Fri 04 Dec 2026" in checked.text
    assert "Signature: intact" in checked.text and "issued by this community" in checked.text


async def test_a_credential_re_signed_with_another_key_is_not_valid_here(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await manual_classes(community)
    said = await community.ok("alice", "!badge award @bob guide Hosted two events")
    document = json.loads(
        attachment(
            await community.ok("bob", f"!badge export {said.outcome.reply.params['number']}")
        )
    )
    # Someone with their own key signs the same claims, under their own did:key and
    # under this community's name: the signature holds, but not for this community.
    other = proofs.KeyPair.generate()
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    unsigned["issuer"] = {**unsigned["issuer"], "id": other.did}
    forged = openbadges.sign_document(
        unsigned, other.seed, other.verification_method, app.clock.now()
    )
    checked = await verify(community, json.dumps(forged))
    assert checked.key == "badge.not_valid", checked.text
    assert f"issued by an issuer this community does not know: {other.did}" in checked.text
    assert "Signature: intact" in checked.text
    # Keeping this community's did but signing with another key is caught as a mismatch.
    same_did = openbadges.sign_document(
        {k: v for k, v in document.items() if k != "proof"},
        other.seed,
        other.verification_method,
        app.clock.now(),
    )
    refused = await verify(community, json.dumps(same_did))
    assert refused.key == "badge.invalid" and "not the issuer's own" in refused.text


async def test_a_completed_pathway_exports_as_a_credential_naming_its_badges(
    community: Community, app: App
) -> None:
    await active_circle(community)
    await manual_classes(community)
    incomplete = await community.say("bob", "!badge pathway")
    assert incomplete.key == "badge.pathway_incomplete" and incomplete.private
    guide = await community.ok("alice", "!badge award @bob guide Ran the welcome session")
    await community.ok("alice", "!badge award @bob mentor Mentored two newcomers")
    await hold(community, app, hosts="@bob", ballots={"carol": True, "dan": True})
    await hold(community, app, hosts="@bob", ballots={"carol": True, "dan": True})
    assert "completed the pathway" in (await community.ok("bob", "!pathway")).text
    exported = await community.ok("bob", "!badge pathway")
    assert exported.key == "badge.pathway_exported"
    document = json.loads(attachment(exported))
    achievement = document["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Certificate"
    names = [e["name"] for e in document["evidence"]]
    assert [n.split(" (#")[0] for n in names] == ["Guide", "Mentor", "Contributor"]
    # Each piece of evidence is named by the id of that badge's own credential.
    badge = json.loads(
        attachment(
            await community.ok("bob", f"!badge export {guide.outcome.reply.params['number']}")
        )
    )
    assert document["evidence"][0]["id"] == badge["id"]
    assert (await verify(community, json.dumps(document))).key == "badge.valid"
    # Revoking a badge it rests on revokes the pathway credential too.
    await community.ok(
        "alice", f"!badge revoke {guide.outcome.reply.params['number']} Wrong member"
    )
    checked = await verify(community, json.dumps(document))
    assert checked.key == "badge.not_valid" and "revoked on" in checked.text
    assert (await community.say("bob", "!badge pathway")).key == "badge.pathway_incomplete"


async def test_exporting_a_badge_you_do_not_hold_is_refused(community: Community, app: App) -> None:
    await active_circle(community)
    await manual_classes(community)
    said = await community.ok("alice", "!badge award @bob guide Hosted")
    number = said.outcome.reply.params["number"]
    refused = await community.say("carol", f"!badge export {number}")
    assert refused.key == "badge.not_yours"
    missing = await community.say("carol", "!badge export 999")
    assert missing.key == "badge.not_yours"
    assert await count(app, community_keys) == 0
    assert await count(app, credential_statuses) == 0


async def test_the_status_list_credential_sets_exactly_the_revoked_bits(
    community: Community, app: App
) -> None:
    from bot.credentials import statuslist
    from bot.credentials.identity import CredentialsConfig
    from bot.services.badges import status_list_credential

    await active_circle(community)
    await manual_classes(community)
    first = await community.ok("alice", "!badge award @bob guide Hosted")
    second = await community.ok("alice", "!badge award @carol guide Hosted")
    indexes = []
    for who, said in (("bob", first), ("carol", second)):
        text = attachment(
            await community.ok(who, f"!badge export {said.outcome.reply.params['number']}")
        )
        indexes.append(int(json.loads(text)["credentialStatus"]["statusListIndex"]))
    await community.ok("alice", f"!badge revoke {first.outcome.reply.params['number']} Mistake")
    async with app.core.uow_factory() as uow:
        (found,) = await uow.badges.communities()
        document = await status_list_credential(uow, found, CredentialsConfig(), app.clock.now())
    checked = openbadges.check_status_list(json.dumps(document))
    assert checked.status_list.url == "urn:junto:test:status"
    bits = checked.status_list.bits
    assert len(bits) * 8 == 131_072
    assert statuslist.is_set(bits, indexes[0]) and not statuslist.is_set(bits, indexes[1])
    assert sum(bin(b).count("1") for b in bits) == 1
    async with app.engine.connect() as conn:
        secret = (await conn.execute(select(community_keys.c.secret))).scalar_one()
    public = proofs.KeyPair(multibase.seed_from_multikey(secret)).public
    assert checked.public_key == public
