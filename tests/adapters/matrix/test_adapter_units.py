"""The Matrix adapter's pieces that need no homeserver: config, text, state."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from adapters.config import parse
from adapters.errors import ConfigError
from adapters.matrix.client import txn_id
from adapters.matrix.config import PASSWORD_ENV, TOKEN_ENV, MatrixConfigError, parse_matrix
from adapters.matrix.files import literal, wants_text
from adapters.matrix.redact import hide
from adapters.matrix.replies import incoming_text, notice_content, strip_reply_fallback, to_html
from adapters.matrix.state import AdapterState, Outgoing, StoredReaction
from adapters.text import parse as parse_text
from bot.catalogue import default_catalogue

GOOD = {
    "homeserver": "https://matrix.example.org/",
    "user_id": "@junto:example.org",
    "password": "correct horse",
    "community": "learners",
    "admins": ["@alice:example.org"],
    "rooms": ["!abc:example.org", "#learning:example.org"],
}


def test_a_full_matrix_table_is_read() -> None:
    config = parse_matrix(GOOD, env={})
    assert config.homeserver == "https://matrix.example.org"
    assert config.prefix == "!"
    assert config.device_name == "Junto"
    assert config.store_path == Path("junto-matrix")
    assert config.admins == frozenset({"@alice:example.org"})
    assert config.rooms == ("!abc:example.org", "#learning:example.org")
    assert "correct horse" not in repr(config)


def test_environment_secrets_win_over_the_file() -> None:
    env = {PASSWORD_ENV: "from-env-password", TOKEN_ENV: "syt_from_env"}
    config = parse_matrix(GOOD, env=env)
    assert config.password == "from-env-password"
    assert config.access_token == "syt_from_env"
    without = {k: v for k, v in GOOD.items() if k != "password"}
    assert parse_matrix(without, env={TOKEN_ENV: "syt_x"}).access_token == "syt_x"


def test_room_version_12_ids_are_accepted() -> None:
    config = parse_matrix({**GOOD, "rooms": ["!AbCdEf123"]}, env={})
    assert config.rooms == ("!AbCdEf123",)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"homeserver": None}, "[matrix] homeserver is missing"),
        ({"homeserver": "matrix.example.org"}, "homeserver must be a URL"),
        ({"user_id": "junto"}, "user_id must be a full Matrix id"),
        ({"password": None}, "needs the bot account's password or access_token"),
        ({"rooms": []}, "rooms must list the rooms or spaces"),
        ({"rooms": ["general"]}, "rooms takes room ids"),
        ({"rooms": 3}, "rooms must be a list of strings"),
        ({"admins": ["alice"]}, "admins must be Matrix ids"),
        ({"prefix": "j !"}, "prefix can't contain spaces"),
        ({"colour": "blue"}, "[matrix] has no key 'colour'"),
    ],
)
def test_bad_matrix_tables_say_what_is_wrong(change: dict[str, object], message: str) -> None:
    table = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    with pytest.raises(MatrixConfigError) as caught:
        parse_matrix(table, env={})
    assert message in str(caught.value)


def test_the_config_file_reads_the_matrix_table(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    assert parse({"matrix": GOOD}).matrix == parse_matrix(GOOD, env={})
    with pytest.raises(ConfigError, match=r"\[matrix\] user_id is missing"):
        parse({"matrix": {"homeserver": "http://127.0.0.1"}})


def test_pills_become_user_ids_and_reply_quotes_are_dropped() -> None:
    html = (
        "<mx-reply><blockquote>earlier words</blockquote></mx-reply>"
        '!voucher give <a href="https://matrix.to/#/%40bob%3Aexample.org">Bob B</a> '
        '<a href="https://matrix.to/#/@alice:example.org?via=example.org">Alice</a> 2'
    )
    assert incoming_text("ignored", html) == "!voucher give @bob:example.org @alice:example.org 2"
    assert incoming_text("> <@a:b> earlier\n> more\n\n!circle list") == "!circle list"
    assert strip_reply_fallback("!circle list") == "!circle list"
    # Links that are not pills keep their text.
    assert incoming_text("", '!x <a href="https://example.org">site</a>') == "!x site"


def test_outgoing_html_marks_code_links_and_known_members() -> None:
    assert to_html("Welcome to spanish-a2!") is None
    text = "Use `!circle join x` now.\nBobby leads; ask @carol:example.org or see https://x.org/a."
    html = to_html(text, {"Bobby": "@bob:example.org", "Al": "@al:example.org"})
    assert html is not None
    assert "<code>!circle join x</code>" in html
    assert '<a href="https://matrix.to/#/@bob:example.org">Bobby</a>' in html
    assert '<a href="https://matrix.to/#/@carol:example.org">@carol:example.org</a>' in html
    assert '<a href="https://x.org/a">https://x.org/a</a>.' in html
    assert "<br/>" in html
    # Too short a name is not turned into a mention.
    assert "@al:example.org" not in html
    assert to_html("a < b & `c`") == "a &lt; b &amp; <code>c</code>"
    assert (
        to_html("Awarded **Peer reviewer** (#4).") == "Awarded <strong>Peer reviewer</strong> (#4)."
    )


def test_a_notice_replies_and_mentions_only_the_asker() -> None:
    content = notice_content("done", in_reply_to="$e", mentions=["@a:b"])
    assert content == {
        "msgtype": "m.notice",
        "body": "done",
        "m.relates_to": {"m.in_reply_to": {"event_id": "$e"}},
        "m.mentions": {"user_ids": ["@a:b"]},
    }


def test_transaction_ids_are_stable_per_cause() -> None:
    assert txn_id("matrix:$a", 0) == txn_id("matrix:$a", 0)
    assert txn_id("matrix:$a", 0) != txn_id("matrix:$a", 1)
    assert txn_id("matrix:$a", 0) != txn_id("matrix:$b", 0)


def test_state_survives_reopening(tmp_path: Path) -> None:
    state = AdapterState(tmp_path)
    state.sync_token = "s1"
    state.set_direct_room("@a:b", "!dm")
    state.set_circle_room("spanish-a2", "!circle")
    state.remember_reaction("$r", StoredReaction("!room", "$post", "✅", "@a:b"))
    message = Outgoing("t1", "@a:b", {"body": "hi"}, to_member=True, anchor=("review", 3))
    state.enqueue([message, message])
    state.close()
    assert (tmp_path / "junto-matrix.sqlite3").stat().st_mode & 0o077 == 0

    again = AdapterState(tmp_path)
    assert again.sync_token == "s1"
    assert again.direct_room("@a:b") == "!dm"
    assert again.direct_user("!dm") == "@a:b"
    assert again.circle_rooms() == {"!circle"}
    assert again.reaction("$r") == StoredReaction("!room", "$post", "✅", "@a:b")
    assert again.pending() == [message]
    again.sent("t1")
    again.forget_direct_room("!dm")
    assert again.pending() == [] and again.direct_room("@a:b") is None
    again.close()


def test_secrets_are_scrubbed_from_nio_logs(caplog: pytest.LogCaptureFixture) -> None:
    hide("a-long-secret-token")
    caplog.set_level(logging.DEBUG)
    logging.getLogger("nio.responses").debug(
        "schema %s", {"access_token": "syt_abcdef", "user_id": "@a:b"}
    )
    logging.getLogger("nio.client.async_client").warning("token a-long-secret-token leaked")
    text = caplog.text
    assert "syt_abcdef" not in text and "a-long-secret-token" not in text
    assert "@a:b" in text


def test_literal_text_is_kept_verbatim_for_a_trailing_argument() -> None:
    pasted = '!badge verify {"a": "two  spaces", "b": [1]}'
    assert literal(pasted, None) == ("!badge verify", '{"a": "two  spaces", "b": [1]}')
    fenced = '!badge verify\n```json\n{"a": "x"}\n```'
    assert literal(fenced, None) == ("!badge verify", '{"a": "x"}')
    html = '!badge verify <pre><code class="language-json">{&quot;a&quot;: 1}\n</code></pre>'
    text = incoming_text("ignored", html)
    assert literal(text, html) == ("!badge verify", '{"a": 1}')
    assert literal("!circle list", None) is None
    assert literal('!review vote 3 at-level 5 "{not json"', None) is None


def test_only_a_missing_trailing_free_text_argument_takes_literal_text() -> None:
    catalogue = default_catalogue()
    assert wants_text(parse_text("!badge verify", "!", catalogue), catalogue) == "credential"
    given = parse_text("!badge verify hello", "!", catalogue)
    assert wants_text(given, catalogue) is None
    assert wants_text(parse_text("!circle list", "!", catalogue), catalogue) is None


async def test_the_bot_hands_back_what_another_community_or_platform_sends(
    tmp_path: Path,
) -> None:
    """One process serves one Matrix community; the job runner may hand it any
    community's notices. Another community's go back untouched (its own bot sends
    them), and so do addresses on other platforms: nothing is sent for them here."""
    from adapters.matrix.client import MatrixBot
    from adapters.matrix.config import MatrixConfig
    from bot.replies import Address, Notice, Reply
    from tests.support import app_on

    async with app_on("sqlite", tmp_path) as app:
        config = MatrixConfig(
            homeserver="http://127.0.0.1:9",
            user_id="@junto:example.org",
            password="secret-password",
            store_path=tmp_path / "store",
            community="ours",
            rooms=("!main:example.org",),
        )
        bot = MatrixBot(app.core, config)
        try:
            theirs = Notice(
                Reply("review.withdrawn", {"number": 1}),
                addresses=(Address("matrix", "place", "!theirs:example.org"),),
                community="theirs",
            )
            ours_elsewhere = Notice(
                Reply("review.withdrawn", {"number": 2}),
                addresses=(Address("discord", "member", "123"),),
                community="ours",
            )
            left = await bot.deliver([theirs, ours_elsewhere])
            assert left == [theirs, ours_elsewhere]
            assert bot.state.pending() == []
            # Nor does a command's reply carry another community's notices.
            assert await bot._notice_messages([theirs], "cause") == []
        finally:
            await bot.close()


def test_long_text_is_split_into_notices_that_fit_an_event() -> None:
    from adapters.matrix.replies import MAX_CONTENT_BYTES, content_size, notice_contents

    text = "\n".join(f"{i} " + "é" * 300 for i in range(300))
    parts = notice_contents(text, in_reply_to="$asked")
    assert len(parts) > 1
    assert "\n".join(p["body"] for p in parts) == text
    assert all(content_size(p) <= MAX_CONTENT_BYTES for p in parts)
    assert all(p["m.relates_to"] == {"m.in_reply_to": {"event_id": "$asked"}} for p in parts)
    one_line = "x" * 100_000  # no line ends to cut at
    assert "".join(p["body"] for p in notice_contents(one_line)) == one_line
    assert notice_contents("short") == [notice_content("short")]
