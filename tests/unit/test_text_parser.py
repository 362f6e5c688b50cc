from __future__ import annotations

import pytest

from adapters.text import parse, tokenize
from bot.catalogue import default_catalogue
from bot.errors import DomainError

CATALOGUE = default_catalogue()


def test_quotes_group_words_even_after_a_name() -> None:
    assert tokenize('circle create x "Spanish A2" 10') == [
        "circle",
        "create",
        "x",
        "Spanish A2",
        "10",
    ]
    assert tokenize('profile set context:"Bournemouth, UK"') == [
        "profile",
        "set",
        "context:Bournemouth, UK",
    ]
    assert tokenize("say “curly quotes” too") == ["say", "curly quotes", "too"]
    assert tokenize('empty ""') == ["empty", ""]


def test_an_unclosed_quote_is_refused() -> None:
    with pytest.raises(DomainError) as error:
        tokenize('circle create x "Spanish')
    assert error.value.code == "input.quote"


def test_positional_and_named_arguments_bind_alike() -> None:
    by_position = parse('!circle create spanish-a2 "Spanish A2" 10', "!", CATALOGUE)
    by_name = parse('!circle create size:10 name:spanish-a2 topic:"Spanish A2"', "!", CATALOGUE)
    assert by_position.command == by_name.command == "circle create"
    assert (
        by_position.args
        == by_name.args
        == {"name": "spanish-a2", "topic": "Spanish A2", "size": "10"}
    )


def test_matrix_ids_are_not_mistaken_for_named_arguments() -> None:
    parsed = parse("!circle lead spanish-a2 @bob:example.org", "!", CATALOGUE)
    assert parsed.args == {"name": "spanish-a2", "member": "@bob:example.org"}


def test_the_last_free_text_argument_takes_the_rest_of_the_line() -> None:
    parsed = parse("!help circle create", "!", CATALOGUE)
    assert parsed.args == {"command": "circle create"}


def test_a_custom_prefix() -> None:
    assert parse("?circle list", "?", CATALOGUE).command == "circle list"


def test_unknown_commands_suggest_the_nearest() -> None:
    with pytest.raises(DomainError) as error:
        parse("!circle jion spanish", "!", CATALOGUE)
    assert error.value.code == "command.unknown"
    assert error.value.params["suggestion"].startswith("circle join")
    with pytest.raises(DomainError) as error:
        parse("!cirle list", "!", CATALOGUE)
    assert error.value.params["suggestion"].startswith("circle")
    with pytest.raises(DomainError) as error:
        parse("!xyzzy", "!", CATALOGUE)
    assert error.value.code == "command.unknown_nohint"


def test_too_many_arguments_show_the_usage() -> None:
    with pytest.raises(DomainError) as error:
        parse("!circle join a b", "!", CATALOGUE)
    assert error.value.code == "input.extra"
    assert error.value.params["usage"] == "circle join <name>"


def test_a_named_argument_given_twice_is_refused() -> None:
    with pytest.raises(DomainError) as error:
        parse("!circle join name:a name:b", "!", CATALOGUE)
    assert error.value.code == "input.twice"


def test_an_empty_command() -> None:
    with pytest.raises(DomainError) as error:
        parse("!   ", "!", CATALOGUE)
    assert error.value.code == "command.empty"


def test_free_text_keeps_the_line_as_typed() -> None:
    pasted = '{"type": ["VerifiableCredential"],  "name": "say \\"hi\\" twice"}'
    parsed = parse("!help " + pasted, "!", CATALOGUE)
    assert parsed.args == {"command": pasted}
    # An unbalanced quote inside free text is just text.
    assert parse("!help it's a \"quote", "!", CATALOGUE).args == {"command": "it's a \"quote"}


def test_named_arguments_before_free_text_still_bind() -> None:
    parsed = parse("!help command:circle", "!", CATALOGUE)
    assert parsed.args == {"command": "circle"}
