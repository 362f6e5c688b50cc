"""Community administration: settings and roles."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.commands import Arg, Command, Ctx, Kind, Who
from bot.errors import DomainError
from bot.model.members import Member
from bot.model.settings import SETTINGS, Settings, check_together, validate
from bot.replies import Reply, nested


def _shown(name: str, value: Any) -> str:
    return SETTINGS[name].show(value)


async def settings(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    name, value = args.get("name"), args.get("value")
    if name is None:
        return Reply(
            "admin.settings", {"lines": _lines(ctx.settings, list(SETTINGS))}, private=True
        )
    if name not in SETTINGS:
        raise DomainError("admin.setting_unknown", name=name)
    if value is None:
        return Reply("admin.settings", {"lines": _lines(ctx.settings, [name])}, private=True)
    parsed = validate(name, value)
    check_together(name, parsed, ctx.settings)
    old = ctx.settings[name]
    await ctx.uow.settings.put(ctx.community.id, name, parsed)
    return Reply(
        "admin.setting_set",
        {"name": name, "value": _shown(name, parsed), "old": _shown(name, old)},
    )


def _lines(current: Settings, names: list[str]) -> list[Any]:
    return [
        nested(
            "admin.setting_line",
            name=name,
            value=_shown(name, current[name]),
            default={"$key": "admin.setting_default"} if current.is_default(name) else "",
            help=SETTINGS[name].help,
        )
        for name in names
    ]


_ROLE_FIELDS = {"admin": "is_admin", "assessor": "is_assessor", "trustee": "is_trustee"}


async def role(ctx: Ctx, args: Mapping[str, Any]) -> Reply:
    member: Member = args["member"]
    role_name: str = args["role"]
    field = _ROLE_FIELDS[role_name]
    grant = args.get("remove") is None
    held = bool(getattr(member, field))
    if held == grant:
        state = "is" if held else "is not"
        raise DomainError(
            "admin.role_unchanged", member=member.display_name, state=state, role=role_name
        )
    if (
        not grant
        and role_name == "admin"
        and await ctx.uow.members.count_admins(ctx.community.id) <= 1
    ):
        raise DomainError("admin.last_admin", member=member.display_name)
    setattr(member, field, grant)
    await ctx.uow.members.save(member)
    if member.id == ctx.member.id:
        setattr(ctx.member, field, grant)
    key = "admin.role_granted" if grant else "admin.role_removed"
    ctx.tell_member(member.id, Reply(key, {"member": member.display_name, "role": role_name}))
    return Reply(key, {"member": member.display_name, "role": role_name})


COMMANDS = [
    Command(
        "admin settings",
        (
            Arg("name", Kind.SETTING, "a setting's name", required=False, max_length=64),
            Arg("value", Kind.TEXT, "its new value", required=False),
        ),
        "show the community's settings, or change one",
        Who.ADMIN,
        settings,
    ),
    Command(
        "admin role",
        (
            Arg("member", Kind.MEMBER, "who"),
            Arg("role", Kind.CHOICE, "which role", choices=("assessor", "trustee", "admin")),
            Arg(
                "remove",
                Kind.CHOICE,
                "say `remove` to take the role away",
                required=False,
                choices=("remove",),
            ),
        ),
        "grant or remove a community role",
        Who.ADMIN,
        role,
    ),
]
