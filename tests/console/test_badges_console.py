"""A scripted console year: validated events attended and hosted, hours traded, an
assessment passed; badges that come by themselves, the pathway, a credential that
verifies until one character changes, the journey picture, and a member forgotten
while the ledger stays clean. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image

from bot.pictures import GOOD
from tests.console.test_console import run_console
from tests.console.test_ledger_console import ledger_check
from tests.support import fresh_database

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _weekly_club() -> str:
    """Four weekly clubs hosted by bob; carol, dan and alice attend and vote."""
    weeks = []
    for number in range(2, 6):
        alice = "below" if number == 3 else "at-level"
        weeks.append(
            f"carol: !event checkin {number}\n"
            f"dan: !event checkin {number}\n"
            f"alice: !event checkin {number}\n"
            ":advance 1h31m\n"
            f"carol: !review vote {number} at-level 5 lively and well prepared\n"
            f"dan: !review vote {number} at-level 4\n"
            f"alice: !review vote {number} {alice}\n"
            + (":advance 6d22h29m\n" if number < 5 else "")
        )
    return "".join(weeks)


# Each console run starts its clock at START, so a part first moves it on to where
# the part before stopped (`{resume}`); numbers (`#12`) come from earlier output.
PARTS = [
    """\
alice: !profile set context:"Bournemouth, UK" timezone:Europe/London
bob: !profile set context:"Lagos, Nigeria"
carol: !profile set context:"Lima, Peru"
dan: !profile set context:"Accra, Ghana"
tina: !profile set context:"Quito, Ecuador"
ava: !profile set context:"Oslo, Norway"
alice: !circle create spanish-a2 "Spanish at A2"
bob: !circle join spanish-a2
carol: !circle join spanish-a2
dan: !circle join spanish-a2
alice: !event schedule spanish-a2 "Conversation club" "2026-12-02 18:00" 1h hosts:@bob \
repeat:weekly count:4
:advance 1d9h
"""
    + _weekly_club()
    + """\
bob: !journal add Hosting four clubs taught me to plan the questions ahead
:advance 60d
carol: !voucher issue @dan 2 cooking
dan: !voucher redeem @carol 1h30m a Peruvian cooking lesson
""",
    """\
:advance {resume}
carol: !voucher deliver {request}
dan: !voucher confirm {request}
:advance 90d
alice: !admin role @ava assessor
tina: !provider register spanish 1 "A second lesson free if you do not pass"
carol: !agreement propose @tina spanish @carol 1
""",
    """\
:advance {resume}
tina: !agreement accept {agreement}
:advance 30d
ava: !assess {agreement} @carol pass held a ten minute conversation about food
carol: !journal add Passed my Spanish assessment!
:advance 150d
carol: !badge list
carol: !pathway
bob: !reputation
carol: !badge export {participant}
carol: !journey
carol: !journal add {long_note}
dan: !data forget
dan: !data forget confirm
carol: !circle info spanish-a2
carol: !voucher history
:quit
""",
]
NUMBERS = {
    "request": re.compile(r"Request #(\d+): you asked carol"),
    "agreement": re.compile(r"Agreement #(\d+): carol to learn spanish"),
    "participant": re.compile(r"@carol: 🏅 You earned the badge \*\*Participant\*\* \(#(\d+)\)"),
}
CLOCK = re.compile(r"\(the clock moves \S+ on, to (.+?) UTC\)")


def _resume(output: str) -> str:
    """How far the clock moved in the parts so far, as one `:advance` duration."""
    last = datetime.strptime(CLOCK.findall(output)[-1], "%a %d %b %Y %H:%M").replace(tzinfo=UTC)
    minutes = int((last - START).total_seconds()) // 60
    return f"{minutes // 1440}d{minutes % 1440 // 60}h{minutes % 60}m"


def run_year(db: str, cwd: Path) -> tuple[str, dict[str, str]]:
    values = {"long_note": "x" * 501}
    output = ""
    for part in PARTS:
        if output:
            values["resume"] = _resume(output)
        output += run_console(db, part.format(**values), cwd)
        for name, pattern in NUMBERS.items():
            found = pattern.search(output)
            if found:
                values[name] = found.group(1)
    assert set(NUMBERS) <= set(values), output
    return output, values


# Each reply, in the order it must appear.
EXPECTED = [
    "#general: The review of #2 Conversation club is closed: validated.",
    "#general: The review of #3 Conversation club is closed: validated. 2 at level, 1 below",
    # Nobody awards these: they follow from validated events.
    "@bob: 🏅 You earned the badge **Contributor**",
    "#general: The review of #5 Conversation club is closed: validated.",
    "@alice: 🏅 You earned the badge **Participant**",
    "@carol: 🏅 You earned the badge **Participant** (#{participant})",
    "@dan: 🏅 You earned the badge **Participant**",
    "@carol: dan confirmed request #{request}",
    "#general: ava recorded a pass for carol in spanish (agreement #{agreement})",
    "@carol: 🏅 You earned the badge **Skill: spanish**",
    "#general: carol holds 2 badge(s):",
    "#general: carol's pathway: 2 of 3 badges ■■□. Counted: Participant, any Skill badge.",
    "#general: **bob's track record**\n    • Hosted 4 event(s): 4 judged at level",
    "Rating from attendees: 4.5 of 5 from 8 rating(s)",
    "@carol (private): Here is **Participant** (#{participant}) as a signed Open Badges 3.0 "
    "credential",
    "(attached: junto-out/",
    "@carol (private): **carol's learning journey**: moments 2–16 of 16 (page 1 of 2)",
    "attended **Conversation club** (#2, spanish-a2) ✅ judged at level",
    # Dated at the close of the review that completed it, not at a later check.
    "Wed 23 Dec 2026 19:31 UTC · 🏅 earned the badge **Participant** (#{participant})",
    "delivered 1h30m of a Peruvian cooking lesson to dan",
    "✅ passed the assessment in spanish",
    "📝 Passed my Spanish assessment!",
    "(attached: junto-out/",
    # Bad input changes nothing.
    "@carol (private): ",
    "@dan (private): Being forgotten replaces your name",
    "@dan (private): Done: you are now forgotten-",
]


def clock_at(output: str) -> str:
    """Where the console's clock stopped, as `--at` takes it."""
    last = datetime.strptime(CLOCK.findall(output)[-1], "%a %d %b %Y %H:%M").replace(tzinfo=UTC)
    return last.strftime("%Y-%m-%dT%H:%MZ")


def check_year(output: str, values: dict[str, str], cwd: Path, db: str) -> None:
    position = 0
    for template in EXPECTED:
        want = template.format(**values)
        found = output.find(want, position)
        assert found >= 0, (want, output[position:])
        position = found + len(want)
    assert "Traceback" not in output and "Something went wrong" not in output
    assert "500 characters" in output
    # After the forgetting, dan's name is gone from what others see.
    after = output[output.index("Done: you are now forgotten-") :]
    assert "dan" not in after and "forgotten-" in after

    files = re.findall(r"\(attached: (junto-out/\S+)\)", output)
    credential = cwd / next(f for f in files if f.endswith(".json"))
    verified = junto("verify", "--db", db, "--at", clock_at(output), str(credential), cwd=cwd)
    assert verified.returncode == 0 and "Valid" in verified.stdout, verified.stdout
    assert "issued by this community" in verified.stdout
    tampered = cwd / "tampered.json"
    text = credential.read_text()
    tampered.write_text(text.replace("validated events", "validated eventz", 1))
    refused = junto("verify", "--db", db, str(tampered), cwd=cwd)
    assert refused.returncode != 0 and "changed after it was signed" in refused.stdout

    picture = Image.open(cwd / next(f for f in files if f.endswith(".png"))).convert("RGB")
    assert picture.width == 1200
    colours = {colour for _count, colour in picture.getcolors(maxcolors=1 << 20) or []}
    assert GOOD in colours  # the validated events and the passed assessment


def junto(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )


def test_a_console_year_on_sqlite(tmp_path: Path) -> None:
    db = str(tmp_path / "junto.db")
    output, values = run_year(db, tmp_path)
    check_year(output, values, tmp_path, db)
    assert "ledger check: clean" in ledger_check(db, tmp_path)


async def test_a_console_year_on_postgresql(tmp_path: Path) -> None:
    async with fresh_database() as url:
        output, values = run_year(url, tmp_path)
        check_year(output, values, tmp_path, url)
        assert "ledger check: clean" in ledger_check(url, tmp_path)


# Credentials an institution can rely on: earned by hosting and attending, forbidden
# awards refused, one award revoked, and every credential checked from the command line.
CREDENTIALS = (
    """\
alice: !profile set context:"Bournemouth, UK"
bob: !profile set context:"Lagos, Nigeria"
carol: !profile set context:"Lima, Peru"
dan: !profile set context:"Accra, Ghana"
alice: !circle create spanish-a2 "Spanish at A2"
bob: !circle join spanish-a2
carol: !circle join spanish-a2
dan: !circle join spanish-a2
alice: !admin settings badge_classes "Guide=manual"
alice: !event schedule spanish-a2 "Conversation club" "2026-12-02 18:00" 1h hosts:@bob \
repeat:weekly count:4
:advance 1d9h
"""
    + _weekly_club()
    + """\
bob: !circle create tiny Tiny
carol: !circle join tiny
bob: !badge award @carol participant "attended a lot"
bob: !badge award @carol trustee x
alice: !badge award @alice guide I ran everything
bob: !badge award @carol guide
bob: !badge award @carol guide Ran the welcome session for new members
alice: !badge award @dan guide Mentored two newcomers
carol: !badge list
carol: !badge export {carol_guide}
dan: !badge export {dan_guide}
bob: !badge export {contributor}
bob: !badge revoke {dan_guide} Not his award
alice: !badge revoke {dan_guide} Awarded to the wrong member
alice: !badge revoke {dan_guide} Again
dan: !badge list
:quit
"""
)
AWARDED = re.compile(r"Awarded \*\*Guide\*\* \(#(\d+)\) to (\w+)")
EARNED = re.compile(r"@bob: 🏅 You earned the badge \*\*Contributor\*\* \(#(\d+)\)")


def _credentials_scenario(db: str, cwd: Path) -> tuple[str, dict[str, Path]]:
    # Two runs: the award numbers of the first are typed in the second.
    first, _, _ = CREDENTIALS.partition("carol: !badge export")
    output = run_console(db, first + ":quit\n", cwd)
    values = {f"{who}_guide": number for number, who in AWARDED.findall(output)}
    values["contributor"] = EARNED.findall(output)[0]
    rest = "carol: !badge export" + CREDENTIALS.partition("carol: !badge export")[2]
    output += run_console(db, f":advance {_resume(output)}\n" + rest.format(**values), cwd)
    files = re.findall(r"\(attached: (junto-out/\S+\.json)\)", output)
    by_number = {Path(f).stem.rsplit("badge-", 1)[-1]: cwd / f for f in files}
    return output, {
        "carol": by_number[values["carol_guide"]],
        "dan": by_number[values["dan_guide"]],
        "bob": by_number[values["contributor"]],
    }


def check_credentials(db: str, cwd: Path) -> None:
    output, files = _credentials_scenario(db, cwd)
    assert "Traceback" not in output and "Something went wrong" not in output
    for refused in (
        "@bob (private): **Participant** comes only from its criteria",
        "@bob (private): **Trustee** comes only from its criteria",
        "@alice (private): You can't award **Guide** to yourself",
        "@bob (private): evidence is missing",
        "@bob (private): Only an admin or a trustee may revoke",
        "@alice (private): #",
    ):
        assert refused in output, (refused, output)
    assert "already revoked on" in output
    assert "@dan: ⛔ alice revoked your badge **Guide**" in output
    at = clock_at(output)

    # Checked against the community's own records.
    carol = junto("verify", "--db", db, "--at", at, str(files["carol"]), cwd=cwd)
    assert carol.returncode == 0, carol.stdout
    assert "issued by this community" in carol.stdout and "not revoked" in carol.stdout
    bob = junto("verify", "--db", db, "--at", at, str(files["bob"]), cwd=cwd)
    assert bob.returncode == 0 and "**Contributor** awarded to bob" in bob.stdout, bob.stdout
    dan = junto("verify", "--db", db, "--at", at, str(files["dan"]), cwd=cwd)
    assert dan.returncode == 1, dan.stdout
    assert "Not valid here" in dan.stdout and "revoked on" in dan.stdout

    # Against the signed status list the community writes, with and without a database.
    written = junto("status-list", "--db", db, "--out", str(cwd / "status.json"), cwd=cwd)
    assert written.returncode == 0, written.stderr
    assert "wrote the status list of console" in written.stdout
    status = str(cwd / "status.json")
    listed = junto(
        "verify", "--db", db, "--status", status, "--at", at, str(files["carol"]), cwd=cwd
    )
    assert listed.returncode == 0 and "not revoked, by the status list of" in listed.stdout
    elsewhere = cwd / "elsewhere"
    elsewhere.mkdir()
    offline = junto("verify", "--status", status, "--at", at, str(files["dan"]), cwd=elsewhere)
    assert offline.returncode == 1
    assert "revoked, by the status list of" in offline.stdout
    assert "issued by an issuer this community does not know" in offline.stdout

    # A credential re-signed with another key is not called valid for this community.
    from bot.credentials import openbadges, proofs

    document = json.loads(files["carol"].read_text())
    other = proofs.KeyPair.generate()
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    unsigned["issuer"] = {**unsigned["issuer"], "id": other.did}
    forged = cwd / "forged.json"
    forged.write_text(
        json.dumps(openbadges.sign_document(unsigned, other.seed, other.verification_method, START))
    )
    refused = junto("verify", "--db", db, "--at", at, str(forged), cwd=cwd)
    assert refused.returncode == 1
    assert f"issued by an issuer this community does not know: {other.did}" in refused.stdout

    # Bad input on the command line: one clear line, a non-zero exit, no traceback.
    for args, words in (
        (("verify", "--status", str(files["carol"]), str(files["carol"])), "is not a status list"),
        (("verify", "--status", str(cwd / "missing.json"), str(files["carol"])), "cannot read"),
        (("status-list", "--db", str(cwd / "nowhere.db"), "--out", status), "no database at"),
    ):
        bad = junto(*args, cwd=cwd)
        assert bad.returncode == 2, bad.stdout + bad.stderr
        assert words in bad.stderr and len(bad.stderr.strip().splitlines()) == 1, bad.stderr
        assert "Traceback" not in bad.stderr + bad.stdout
    changed = cwd / "changed-status.json"
    changed.write_text((cwd / "status.json").read_text().replace("revocation", "revocatio", 1))
    bad = junto("verify", "--status", str(changed), str(files["carol"]), cwd=cwd)
    assert bad.returncode == 2 and "is not a status list" in bad.stderr


def test_credentials_from_the_console_on_sqlite(tmp_path: Path) -> None:
    check_credentials(str(tmp_path / "junto.db"), tmp_path)


async def test_credentials_from_the_console_on_postgresql(tmp_path: Path) -> None:
    async with fresh_database() as url:
        check_credentials(url, tmp_path)


def test_did_web_identity_and_bad_did_config(tmp_path: Path) -> None:
    db = str(tmp_path / "junto.db")
    config = tmp_path / "junto.toml"
    config.write_text(
        f'[storage]\nurl = "{db}"\n[credentials]\ndid = "did:web:learn.example.org"\n'
    )
    run_console(db, "alice: !profile set context:Oslo\n:quit\n", tmp_path)
    printed = junto("did-document", "--config", str(config), cwd=tmp_path)
    assert printed.returncode == 0, printed.stderr
    document = json.loads(printed.stdout)
    assert document["id"] == "did:web:learn.example.org"
    (method,) = document["verificationMethod"]
    assert method["type"] == "Multikey" and method["controller"] == document["id"]
    assert document["assertionMethod"] == [method["id"]]
    assert "https://learn.example.org/.well-known/did.json" in printed.stderr
    plain = junto("did-document", "--db", db, cwd=tmp_path)
    assert json.loads(plain.stdout)["id"].startswith("did:key:z6Mk")
    for did in ("did:example:123", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"):
        config.write_text(f'[credentials]\ndid = "{did}"\n')
        bad = junto("did-document", "--config", str(config), cwd=tmp_path)
        assert bad.returncode == 2
        assert "[credentials] did" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
        assert "Traceback" not in bad.stderr
    config.write_text('[credentials]\ntrusted_issuers = ["did:web:other.example.org"]\n')
    bad = junto("verify", "--config", str(config), str(tmp_path / "x.json"), cwd=tmp_path)
    assert bad.returncode == 2 and "name the issuer's key" in bad.stderr
