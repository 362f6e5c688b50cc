"""A scripted console year: validated events attended and hosted, hours traded, an
assessment passed; badges that come by themselves, the pathway, a credential that
verifies until one character changes, the journey picture, and a member forgotten
while the ledger stays clean. On SQLite and PostgreSQL."""

from __future__ import annotations

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
    "delivered 1h30m of a Peruvian cooking lesson to dan",
    "🏅 earned the badge **Participant** (#{participant})",
    "✅ passed the assessment in spanish",
    "📝 Passed my Spanish assessment!",
    "(attached: junto-out/",
    # Bad input changes nothing.
    "@carol (private): ",
    "@dan (private): Being forgotten replaces your name",
    "@dan (private): Done: you are now forgotten-",
]


def check_year(output: str, values: dict[str, str], cwd: Path) -> None:
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
    verified = _verify(credential, cwd)
    assert verified.returncode == 0 and "Valid" in verified.stdout, verified.stdout
    tampered = cwd / "tampered.json"
    text = credential.read_text()
    tampered.write_text(text.replace("validated events", "validated eventz", 1))
    refused = _verify(tampered, cwd)
    assert refused.returncode != 0 and "changed after it was signed" in refused.stdout

    picture = Image.open(cwd / next(f for f in files if f.endswith(".png"))).convert("RGB")
    assert picture.width == 1200
    colours = {colour for _count, colour in picture.getcolors(maxcolors=1 << 20) or []}
    assert GOOD in colours  # the validated events and the passed assessment


def _verify(path: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "adapters.cli", "verify", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )


def test_a_console_year_on_sqlite(tmp_path: Path) -> None:
    db = str(tmp_path / "junto.db")
    output, values = run_year(db, tmp_path)
    check_year(output, values, tmp_path)
    assert "ledger check: clean" in ledger_check(db, tmp_path)


async def test_a_console_year_on_postgresql(tmp_path: Path) -> None:
    async with fresh_database() as url:
        output, values = run_year(url, tmp_path)
        check_year(output, values, tmp_path)
        assert "ledger check: clean" in ledger_check(url, tmp_path)
