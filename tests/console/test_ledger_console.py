"""A scripted console run through vouchers, an agreement, assessment, redemption,
an auction with a bid war, and `junto ledger check`, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.console.test_console import run_console
from tests.support import fresh_database

# The script runs in parts on one database, because the short numbers it
# refers to (`#12`) come from a sequence the whole community shares: each part
# reads the numbers it needs from what the part before printed. Each part
# starts the clock at the same instant, which is when everything before the
# auction happens anyway.
PARTS = [
    """\
alice: !profile set context:"Bournemouth, UK" timezone:Europe/London
bob: !profile set context:"Bournemouth, UK"
carol: !profile set context:"Lagos, Nigeria"
ava: !profile set context:"Quito, Ecuador"
tina: !profile set context:"Lima, Peru"
!provider register "spanish, guitar" 2 Money back if you cannot order dinner
alice: !admin role @ava assessor
alice: !voucher issue @bob 1 "note taking" for the lecture notes
carol: !voucher issue @alice 30m cooking
alice: !agreement propose @tina spanish "@bob @carol" 2
""",
    """\
bob: !agreement join {agreement}
carol: !agreement join {agreement}
tina: !agreement accept {agreement}
tina: !agreement accept {agreement}
ava: !assess {agreement} @alice pass ordered dinner in Spanish
alice: !assess {agreement} @bob pass my classmate
ava: !assess {agreement} @bob pass held a ten minute conversation
ava: !assess {agreement} @carol fail could not introduce herself yet
tina: !voucher balance
alice: !voucher balance
bob: !voucher balance
carol: !voucher balance
tina: !voucher redeem @alice 1 help moving house
""",
    """\
alice: !voucher deliver {request}
tina: !voucher confirm {request}
tina: !auction open @bob 2 10 GBP "2026-12-01 12:00"
""",
    """\
carol: !auction bid {auction} 8
dan: !profile set context:"Accra, Ghana"
dan: !auction bid {auction} 9
carol: !auction bid {auction} 9.50
:advance 2h57m
carol: !auction bid {auction} 11
:advance 5m
dan: !auction bid {auction} 12
:advance 10m
carol: !auction bid {auction} 20
tina: !auction settle {auction}
tina: !voucher balance
bob: !voucher give @carol @alice 20m
bob: !voucher give @carol @alice 0
bob: !voucher give @carol @alice 1h15m
bob: !voucher give @bob @alice 30m
carol: !voucher issue @carol 1 cooking
alice: !voucher issue @bob 9h15m "note taking"
dan: !voucher redeem @tina 1 guitar
dan: !voucher balance
tina: !voucher balance
alice: !voucher balance
:quit
""",
]
NUMBERS = {
    "agreement": re.compile(r"Agreement #(\d+): alice, bob, carol"),
    "request": re.compile(r"Request #(\d+): you asked alice"),
    "auction": re.compile(r"Auction #(\d+): tina offers"),
}


def run_script(db: str, cwd: Path) -> tuple[str, dict[str, str]]:
    numbers: dict[str, str] = {}
    output = ""
    for part in PARTS:
        output += run_console(db, part.format(**numbers), cwd)
        for name, pattern in NUMBERS.items():
            found = pattern.search(output)
            if found:
                numbers[name] = found.group(1)
    assert set(numbers) == set(NUMBERS), output
    return output, numbers


# Each reply, in the order it must appear.
EXPECTED = [
    "#general: tina is now listed as a tutor for spanish, guitar: 2h of vouchers per learner",
    "@alice (private): You issued 1h of your time (note taking) to bob. You now have 1h "
    "outstanding of your 10h cap.",
    "@alice: carol issued you 30m of their time, redeemable for cooking.",
    "#general: Agreement #{agreement}: alice, bob, carol to learn spanish from tina, "
    "2h of vouchers each",
    "#general: bob confirmed 2h of their own hours for agreement #{agreement}",
    "@tina: Every learner has confirmed agreement #{agreement}.",
    "#general: tina accepted agreement #{agreement} (spanish): 3 bundles of 2h are in escrow.",
    "@alice: tina accepted agreement #{agreement}; your 2h are in escrow until an assessor "
    "records your result, at the latest Mon 01 Mar 2027 09:00 GMT.",
    "@tina (private): You have already accepted agreement #{agreement}; its bundles are in escrow.",
    "#general: ava recorded a pass for alice in spanish (agreement #{agreement}): 2h of "
    "alice's hours are released to tina.",
    "@alice (private): You are a learner in agreement #{agreement}; an independent assessor "
    "must test",
    "#general: ava recorded a pass for bob in spanish (agreement #{agreement})",
    "#general: ava recorded a fail for carol in spanish (agreement #{agreement}): their 2h "
    "are refunded.",
    # Balances after assessment: two bundles paid the tutor, one came back.
    "@tina (private): Your vouchers:\n    - 2h of alice's hours\n    - 2h of bob's hours\n"
    "    Your own hours: 0m outstanding, 0m delivered, cap 10h; you can issue 10h more.",
    "@alice (private): Your vouchers:\n    - 30m of carol's hours\n    Your own hours "
    "(note taking): 3h outstanding, 0m delivered, cap 10h; you can issue 7h more.",
    "@bob (private): Your vouchers:\n    - 1h of alice's hours\n    Your own hours: 2h "
    "outstanding, 0m delivered, cap 10h; you can issue 8h more.",
    "@carol (private): Your vouchers:\n    - none yet\n    Your own hours (cooking): 30m "
    "outstanding, 0m delivered, cap 10h; you can issue 9h30m more.",
    # The tutor redeems part...
    "@tina (private): Request #{request}: you asked alice for 1h of help moving house.",
    "@alice: tina asks you for 1h of help moving house (request #{request}).",
    "@tina (private): Request #{request} is confirmed: 1h of alice's hours are retired.",
    "@alice: tina confirmed request #{request}: 1h you delivered are retired, and your cap grows",
    # ...and auctions part.
    "#general: Auction #{auction}: tina offers 2h of bob's hours, reserve GBP 10.00, until "
    "Tue 01 Dec 2026 12:00 UTC.",
    "#general: carol bids GBP 8.00 for 2h of bob's hours in auction #{auction}, which ends "
    "Tue 01 Dec 2026 12:00 UTC. That is below the reserve of GBP 10.00 so far.",
    "#general: dan bids GBP 9.00",
    "@carol: dan outbid you in auction #{auction} with GBP 9.00",
    "@carol (private): GBP 9.50 is not enough in auction #{auction}: the best bid is GBP 9.00 "
    "and bids must beat it by GBP 1.00, so bid at least GBP 10.00.",
    "(the clock moves 2h57m on, to Tue 01 Dec 2026 11:57 UTC)",
    "#general: carol bids GBP 11.00 for 2h of bob's hours in auction #{auction}, which ends "
    "Tue 01 Dec 2026 12:05 UTC. A bid this late extends the auction by 5 minutes.",
    "(the clock moves 5m on, to Tue 01 Dec 2026 12:02 UTC)",
    "#general: dan bids GBP 12.00 for 2h of bob's hours in auction #{auction}, which ends "
    "Tue 01 Dec 2026 12:10 UTC. A bid this late extends the auction by 5 minutes.",
    "(the clock moves 10m on, to Tue 01 Dec 2026 12:12 UTC)",
    "@dan: You won auction #{auction}: 2h of bob's hours for GBP 12.00. Pay tina outside Junto",
    "@tina: Auction #{auction} ended: dan won 2h of bob's hours for GBP 12.00.",
    "@carol (private): Auction #{auction} ended Tue 01 Dec 2026 12:10 UTC; it takes no more bids.",
    "#general: tina confirmed payment of GBP 12.00: dan now holds 2h of bob's hours from "
    "auction #{auction}.",
    "@tina (private): Your vouchers:\n    - 1h of alice's hours\n    Your own hours: 0m",
    # Bad input: each refused privately, and nothing moves.
    "@bob (private): Vouchers move in steps of 15 minutes, so 20m won't do. Try 15m or 30m.",
    "@bob (private): 0m is not an amount of hours I can move",
    "@bob (private): You have 1h of alice's hours free to use, and 1h15m is more than that.",
    "@bob (private): You can't give vouchers to yourself; name another member.",
    "@carol (private): You can't issue hours to yourself.",
    "@alice (private): That would take your outstanding hours past your cap. You have 2h "
    "outstanding and your cap is 11h (10h plus the hours you have delivered, at most 40h), so "
    "at most 9h more.",
    "@dan (private): You don't hold any of tina's hours, so there is nothing to redeem",
    "@dan (private): Your vouchers:\n    - 2h of bob's hours",
    "@tina (private): Your vouchers:\n    - 1h of alice's hours\n    Your own hours: 0m",
    "@alice (private): Your vouchers:\n    - 30m of carol's hours\n    Your own hours "
    "(note taking): 2h outstanding, 1h delivered, cap 11h; you can issue 9h more.",
]


def check_output(output: str, numbers: dict[str, str]) -> None:
    position = 0
    for template in EXPECTED:
        want = template.format(**numbers)
        found = output.find(want, position)
        assert found >= 0, (want, output[position:])
        position = found + len(want)
    assert "Traceback" not in output and "{" not in output


def ledger_check(db: str, cwd: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "ledger", "check", "--db", db],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_ledger_script_on_sqlite(tmp_path: Path) -> None:
    db = str(tmp_path / "junto.db")
    check_output(*run_script(db, tmp_path))
    report = ledger_check(db, tmp_path)
    assert "ledger check: clean; every balance equals the sum of its transfers" in report
    assert "(12 accounts, 13 transfers, 3 currencies)" in report


async def test_the_ledger_script_on_postgresql(tmp_path: Path) -> None:
    async with fresh_database() as url:
        check_output(*run_script(url, tmp_path))
        assert "ledger check: clean" in ledger_check(url, tmp_path)


def test_the_check_reports_a_tampered_balance(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "junto.db"
    run_console(str(db), "bob: !voucher balance\nalice: !voucher issue @bob 1 tea\n", tmp_path)
    assert "clean" in ledger_check(str(db), tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE accounts SET credits_posted = credits_posted + 15 WHERE kind = 'holding'"
        )
    result = subprocess.run(
        [sys.executable, "-m", "adapters.cli", "ledger", "check", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])},
    )
    assert result.returncode == 1
    assert "caches (0, 0, 0, 75) but its transfers sum to (0, 0, 0, 60)" in result.stdout
    assert "does not balance: posted +15" in result.stdout
    assert "ledger check: 2 difference(s)" in result.stdout
