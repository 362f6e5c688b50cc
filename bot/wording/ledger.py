"""Wording for vouchers, their history and redemption."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # Amounts.
    "voucher.amount_positive": (
        "{value} is not an amount of hours I can move: give a positive number of hours, "
        "like `2` or `1h30m`."
    ),
    "voucher.amount_step": (
        "Vouchers move in steps of 15 minutes, so {value} won't do. Try {lower} or {higher}."
    ),
    "voucher.amount_absurd": (
        "{value} is far more than anyone can give in time; one movement is at most {most}."
    ),
    # Limits.
    "voucher.over_cap": (
        "That would take your outstanding hours past your cap. You have {outstanding} "
        "outstanding and your cap is {cap} ({base} plus the hours you have delivered, at most "
        "{most}), so at most {headroom} more. Delivering hours people redeem raises it."
    ),
    "voucher.over_cap_other": (
        "That would take {owner}'s outstanding hours past their cap: {outstanding} "
        "outstanding, cap {cap}, so at most {headroom} more; {wanted} was needed."
    ),
    "voucher.not_enough": (
        "You have {available} of {issuer}'s hours free to use{reserved}, and {wanted} is more "
        "than that. `{prefix}voucher balance` shows what you hold."
    ),
    "voucher.reserved": " ({reserved} more are set aside for open requests or auctions)",
    "voucher.not_enough_other": (
        "{owner} has only {available} of {issuer}'s hours free to use; {wanted} was needed."
    ),
    "ledger.overdrawn": (
        "That would move {wanted} out of an account that does not hold it, so nothing moved."
    ),
    # Issuing and giving.
    "voucher.issue_self": (
        "You can't issue hours to yourself. Issue them to the member who will redeem them: "
        "`{prefix}voucher issue @member 2 tutoring`."
    ),
    "voucher.issued": (
        "You issued {hours} of your time ({services}) to {to}. You now have {outstanding} "
        "outstanding of your {cap} cap."
    ),
    "voucher.issued_to_you": (
        "{issuer} issued you {hours} of their time, redeemable for {services}.{memo} "
        "Redeem with `{prefix}voucher redeem @{issuer} <hours> <service>`."
    ),
    "voucher.memo": " Note: “{memo}”",
    "voucher.give_self": "You can't give vouchers to yourself; name another member.",
    "voucher.give_own": (
        "These are your own hours, so you issue them rather than give them: "
        "`{prefix}voucher issue @{to} {hours} <services>`."
    ),
    "voucher.none_held": (
        "You don't hold any of {issuer}'s hours. `{prefix}voucher balance` shows what you hold."
    ),
    "voucher.given": (
        "You gave {hours} of {issuer}'s hours to {to}. You have {left} of them left."
    ),
    "voucher.given_to_you": (
        "{from} gave you {hours} of {issuer}'s hours. `{prefix}voucher balance` shows all you hold."
    ),
    "voucher.returned": (
        "You gave {hours} back to {issuer}, who issued them, so they are retired. You have "
        "{left} of their hours left."
    ),
    "voucher.returned_to_you": (
        "{from} gave {hours} of your own hours back to you; they are retired, and your "
        "outstanding hours fall by as much."
    ),
    # Balance and history.
    "voucher.balance": (
        "Your vouchers:\n{lines}\nYour own hours{services}: {outstanding} outstanding, "
        "{delivered} delivered, cap {cap}; you can issue {headroom} more."
    ),
    "voucher.balance_of": (
        "{member}'s vouchers:\n{lines}\n{member}'s own hours{services}: {outstanding} "
        "outstanding, {delivered} delivered, cap {cap}."
    ),
    "voucher.balance_line": "- {hours} of {issuer}'s hours{reserved}",
    "voucher.balance_reserved": (
        " ({reserved} set aside for requests or auctions, {available} free)"
    ),
    "voucher.balance_escrow": "- {hours} of {issuer}'s hours in escrow for learning agreements",
    "voucher.balance_none": "- none yet",
    "voucher.balance_services": " ({services})",
    "voucher.history_private": (
        "Only {member}, admins and trustees can see {member}'s voucher history; "
        "`{prefix}voucher balance @{member}` shows their balance."
    ),
    "voucher.history_empty": "{member} has no voucher movements yet.",
    "voucher.history": "Latest voucher movements of {member}, newest first{page}:\n{lines}{more}",
    "voucher.history_line": "- {at}: {amount} of {issuer}'s hours, {what}{memo}",
    "voucher.history_memo": " ({memo})",
    "voucher.history_held": "{hours} held",
    "voucher.history_released": "{hours} released",
    "history.move": "moved ({code})",
    "history.issue_none_in": "issued to you by {other}",
    "history.issue_none_out": "issued to {other}",
    "history.give_none_in": "given to you by {other}",
    "history.give_none_out": "given to {other}",
    "history.retire_none_in": "given back to you by {other} and retired",
    "history.retire_none_out": "given back to {other}, who issued them, and retired",
    "history.redeem_pending_out": "set aside for your request to {other}",
    "history.redeem_pending_in": "set aside for {other}'s request to you",
    "history.redeem_post_pending_out": "redeemed with {other} and retired",
    "history.redeem_post_pending_in": "redeemed by {other} and retired",
    "history.redeem_void_pending_out": "your request to {other} was withdrawn",
    "history.redeem_void_pending_in": "{other}'s request was withdrawn",
    "history.escrow_none_out": "into escrow for a learning agreement",
    "history.release_none_in": "released to you from {other}'s escrow after a passed assessment",
    "history.release_none_aside": "released from your escrow to {other} after your pass",
    "history.refund_none_in": "refunded to you from escrow",
    "history.lot_pending_out": "set aside as an auction lot",
    "history.lot_post_pending_out": "sold at auction",
    "history.lot_void_pending_out": "your auction lot came back unsold",
    "history.sale_none_in": "bought at auction from {other}",
    "history.sale_none_aside": "your auction lot went to {other}",
    # Redemption.
    "redeem.own": "Those are your own hours; redeem hours you hold from another member.",
    "redeem.none_held": (
        "You don't hold any of {issuer}'s hours, so there is nothing to redeem from them. "
        "`{prefix}voucher balance` shows whose hours you hold."
    ),
    "redeem.requested": (
        "Request #{number}: you asked {issuer} for {hours} of {service}. Those hours are set "
        "aside until the request ends. When {issuer} has delivered, confirm with "
        "`{prefix}voucher confirm {number}`; before that you can withdraw it with "
        "`{prefix}voucher cancel {number}`."
    ),
    "redeem.asked": (
        "{holder} asks you for {hours} of {service} (request #{number}). When you have "
        "delivered, say `{prefix}voucher deliver {number}`; if you can't, "
        "`{prefix}voucher decline {number}`."
    ),
    "redeem.unknown": (
        "There is no redemption request #{number}. `{prefix}voucher requests` lists yours."
    ),
    "redeem.not_issuer": "Only the member asked for request #{number} can {action} it.",
    "redeem.not_holder": "Only the member who made request #{number} can {action} it.",
    "redeem.not_either": "Only the two members in request #{number} can {action} it.",
    "redeem.cannot_deliver": "Request #{number} is {status}, so it can't be marked delivered.",
    "redeem.cannot_confirm": (
        "Request #{number} is {status}; you can confirm it once it has been marked delivered."
    ),
    "redeem.cannot_cancel": (
        "Request #{number} is {status}, so it can't be withdrawn any more. If something is "
        "wrong, `{prefix}voucher dispute {number}` asks a trustee."
    ),
    "redeem.cannot_decline": "Request #{number} is {status}, so it can't be declined.",
    "redeem.cannot_dispute": (
        "Request #{number} is {status}; only a delivered request can be disputed (an open one "
        "can be cancelled or declined)."
    ),
    "redeem.status_open": "open",
    "redeem.status_delivered": "delivered and waiting for confirmation",
    "redeem.status_confirmed": "confirmed",
    "redeem.status_cancelled": "cancelled",
    "redeem.status_declined": "declined",
    "redeem.status_disputed": "disputed",
    "redeem.status_refunded": "refunded",
    "redeem.delivered": ("Request #{number} is marked delivered; {holder} is asked to confirm it."),
    "redeem.delivered_notice": (
        "{issuer} says request #{number} ({hours} of {service}) is delivered. Confirm with "
        "`{prefix}voucher confirm {number}`, or `{prefix}voucher dispute {number}` if it wasn't."
    ),
    "redeem.confirmed": (
        "Request #{number} is confirmed: {hours} of {issuer}'s hours are retired. Thank you!"
    ),
    "redeem.confirmed_notice": (
        "{holder} confirmed request #{number}: {hours} you delivered are retired, and your "
        "cap grows by as much."
    ),
    "redeem.cancelled": "Request #{number} is withdrawn; its {hours} are yours to use again.",
    "redeem.cancelled_notice": "{holder} withdrew request #{number} ({hours} of {service}).",
    "redeem.declined": "You declined request #{number}; {holder}'s {hours} are released.",
    "redeem.declined_notice": (
        "{issuer} declined request #{number} ({hours} of {service}); the hours are yours to "
        "use again."
    ),
    "redeem.disputed": "Request #{number} is disputed; a trustee will settle it.",
    "redeem.disputed_notice": (
        "Request #{number} ({hours} of {service}) is disputed; a trustee will settle it."
    ),
    "redeem.disputed_no_trustee": (
        "Request #{number} is disputed. There is no trustee yet, so ask an admin to settle it "
        "with `{prefix}voucher resolve {number} delivered|refund`."
    ),
    "redeem.dispute_for_trustee": (
        "{holder} and {issuer} disagree about request #{number} ({hours} of {service}). "
        "Settle it with `{prefix}voucher resolve {number} delivered` (the hours are retired) "
        "or `{prefix}voucher resolve {number} refund` (they go back to {holder})."
    ),
    "redeem.resolve_party": (
        "You are part of request #{number}, so another trustee or an admin must settle it."
    ),
    "redeem.not_disputed": (
        "Request #{number} is {status}, not disputed; there is nothing to settle."
    ),
    "redeem.resolved_delivered": (
        "{trustee} settled request #{number}: delivered, so {holder}'s {hours} of {issuer}'s "
        "hours are retired."
    ),
    "redeem.resolved_refunded": (
        "{trustee} settled request #{number}: refunded, so {holder} keeps the {hours}."
    ),
    "redeem.list_empty": (
        "You have no open redemption requests. Ask for hours with "
        "`{prefix}voucher redeem @issuer <hours> <service>`."
    ),
    "redeem.list": "Open redemption requests:\n{lines}",
    "redeem.list_line": "- #{number}: {holder} asks {issuer} for {hours} of {service} ({status})",
}
