"""Wording for vouchers, redemption, agreements and auctions."""

from __future__ import annotations

MESSAGES_LEDGER: dict[str, str] = {
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
    "voucher.history": "Latest voucher movements of {member}, newest first:\n{lines}",
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
    # Providers.
    "provider.registered": (
        "{name} is now listed as a {kind} for {skills}: {terms} of vouchers per learner, held "
        "in escrow until each learner passes an independent test. Guarantee: {guarantee}."
    ),
    "provider.updated": (
        "Your listing is updated: {kind} for {skills}, {terms} per learner. Guarantee: {guarantee}."
    ),
    "provider.no_skills": (
        'Name at least one skill you teach, e.g. `{prefix}provider register "spanish, guitar" 2`.'
    ),
    "provider.list": "Providers:\n{lines}",
    "provider.list_line": "- {name} ({kind}): {skills}; {terms} per learner{guarantee}",
    "provider.guarantee": "; guarantee: {guarantee}",
    "provider.list_empty": (
        "No provider is listed for that yet (skill: {skill}). Anyone can offer to teach with "
        "`{prefix}provider register <skills> <hours per learner> [guarantee]`."
    ),
    # Agreements.
    "agreement.not_a_provider": (
        "{provider} is not listed as a provider. `{prefix}provider list` shows who is; they can "
        "list themselves with `{prefix}provider register`."
    ),
    "agreement.self_provider": "You can't be the provider of your own learning agreement.",
    "agreement.skill_not_offered": ("{provider} doesn't list {skill}; they offer: {skills}."),
    "agreement.provider_learner": "{provider} is the provider, so they can't be a learner too.",
    "agreement.too_many": "An agreement can have at most {most} learners.",
    "agreement.proposed": (
        "Agreement #{number}: {learners} to learn {skill} from {provider}, {hours} of vouchers "
        "each in escrow until each learner passes. {waiting}"
    ),
    "agreement.waiting_for": (
        "Waiting for {names} to confirm with `{prefix}agreement join <number>`."
    ),
    "agreement.ready": "{provider} can now accept it with `{prefix}agreement accept {number}`.",
    "agreement.invited": (
        "{proposer} proposes agreement #{number}: learn {skill} from {provider} with {learners}, "
        "{hours} of vouchers each. Confirm with `{prefix}agreement join {number}` (your own "
        "hours), or `{prefix}agreement join {number} from:@issuer` to pay with vouchers you hold."
    ),
    "agreement.proposed_to_you": (
        "{proposer} proposes agreement #{number}: you teach {skill} to {learners} for {hours} "
        "of vouchers each (your terms: {terms}). Once every learner has confirmed, say "
        "`{prefix}agreement accept {number}` or `{prefix}agreement decline {number}`."
    ),
    "agreement.unknown": ("There is no agreement #{number}. `{prefix}agreement list` shows yours."),
    "agreement.status_proposed": "proposed",
    "agreement.status_accepted": "accepted, bundles in escrow",
    "agreement.status_declined": "declined",
    "agreement.status_completed": "completed",
    "agreement.not_open": "Agreement #{number} is {status}; it can't change now.",
    "agreement.not_learner": (
        "You are not one of the learners of agreement #{number}; ask its proposer to name you in "
        "a new one."
    ),
    "agreement.already_joined": "You have already confirmed your bundle for agreement #{number}.",
    "agreement.joined": (
        "{learner} confirmed {hours} of {paid} for agreement #{number}; they move into escrow "
        "when {provider} accepts."
    ),
    "agreement.paid_own": "their own hours",
    "agreement.paid_with": "{issuer}'s hours",
    "agreement.all_joined": (
        "Every learner has confirmed agreement #{number}. Accept it with "
        "`{prefix}agreement accept {number}` or decline with `{prefix}agreement decline {number}`."
    ),
    "agreement.not_their_provider": "Only the provider of agreement #{number} can answer it.",
    "agreement.already_accepted": (
        "You have already accepted agreement #{number}; its bundles are in escrow."
    ),
    "agreement.not_ready": (
        "Agreement #{number} is waiting for {names} to confirm their bundles; you can accept it "
        "once they have."
    ),
    "agreement.accepted": (
        "{provider} accepted agreement #{number} ({skill}): {count} bundles of {hours} are in "
        "escrow. An assessor records each result with `{prefix}assess {number} @learner "
        "pass|fail <evidence>`; bundles with no result by {expires} go back to their learners."
    ),
    "agreement.accepted_notice": (
        "{provider} accepted agreement #{number}; your {hours} are in escrow until an assessor "
        "records your result, at the latest {expires}."
    ),
    "agreement.declined": "{provider} declined agreement #{number}; nothing moved.",
    "agreement.declined_notice": "{provider} declined agreement #{number}; nothing moved.",
    "agreement.private": (
        "Only the provider, learners, assessors and trustees of agreement #{number} can see it."
    ),
    "agreement.info": (
        "Agreement #{number}: {skill} from {provider}, {hours} per learner, {status}.{expires}"
        "\n{learners}"
    ),
    "agreement.info_expires": " Unassessed bundles are refunded {expires}.",
    "agreement.info_learner": "- {learner}: {status}{paid}{assessed}",
    "agreement.info_paid": ", paid in {issuer}'s hours",
    "agreement.info_assessed": ", assessed by {assessor}: “{evidence}”",
    "agreement.bundle_invited": "not confirmed yet",
    "agreement.bundle_ready": "confirmed",
    "agreement.bundle_escrowed": "in escrow",
    "agreement.bundle_passed": "passed, released to the provider",
    "agreement.bundle_failed": "failed, refunded",
    "agreement.bundle_expired": "not assessed in time, refunded",
    "agreement.list": "Your learning agreements:\n{lines}",
    "agreement.list_line": "- #{number}: {skill} from {provider}, {hours} each ({status})",
    "agreement.list_empty": (
        "You have no learning agreements. `{prefix}provider list` shows who teaches what."
    ),
    "agreement.expired_learner": (
        "Nobody assessed you in agreement #{number} ({skill}) in time, so your {hours} came "
        "back from escrow."
    ),
    "agreement.expired_provider": (
        "{learner}'s bundle in agreement #{number} was not assessed in time and went back to them."
    ),
    # Assessment.
    "assess.not_accepted": (
        "Agreement #{number} is {status}; results are recorded once it is accepted."
    ),
    "assess.own_provider": (
        "You are the provider of agreement #{number}; an independent assessor must test its "
        "learners."
    ),
    "assess.own_learner": (
        "You are a learner in agreement #{number}; an independent assessor must test its learners."
    ),
    "assess.not_learner": "{learner} is not a learner in agreement #{number}.",
    "assess.already": "{learner}'s result in agreement #{number} is in already: {result}.",
    "assess.passed": (
        "{assessor} recorded a pass for {learner} in {skill} (agreement #{number}): {hours} of "
        "{issuer}'s hours are released to {provider}."
    ),
    "assess.passed_learner": (
        "You passed {skill} in agreement #{number}! Your {hours} went to {provider}."
    ),
    "assess.passed_provider": (
        "{learner} passed {skill} (agreement #{number}): you received {hours} of {issuer}'s "
        "hours. Redeem, give or auction them."
    ),
    "assess.failed": (
        "{assessor} recorded a fail for {learner} in {skill} (agreement #{number}): their "
        "{hours} are refunded."
    ),
    "assess.failed_learner": (
        "Your test in {skill} (agreement #{number}) was not a pass this time, so your {hours} "
        "came back to you. Evidence: {evidence}"
    ),
    "assess.failed_provider": (
        "{learner} did not pass {skill} (agreement #{number}); their {hours} went back to them."
    ),
    # Money.
    "money.currency": "“{value}” is not a currency code; use three letters like GBP, EUR or USD.",
    "money.amount": "I couldn't read “{value}” as an amount of {currency}; write it like `12.50`.",
    "money.decimals": "{currency} amounts have at most {places} decimals; “{value}” has more.",
    "money.positive": "An amount of {currency} must be more than zero; you gave “{value}”.",
    "money.absurd": "“{value}” {currency} is more than any lot here is worth; check the amount.",
    # Auctions.
    "auction.unknown": "There is no auction #{number}. `{prefix}auction list` shows those running.",
    "auction.own_hours": (
        "You can't auction your own hours; issue them instead with `{prefix}voucher issue`."
    ),
    "auction.too_soon": (
        "An auction must run at least 5 minutes; {ends} is too soon (it is {now} now)."
    ),
    "auction.too_far": "An auction may run at most {days} days; {ends} is too far ahead.",
    "auction.opened": (
        "Auction #{number}: {seller} offers {hours} of {issuer}'s hours, reserve {reserve}, "
        "until {ends}. Bid with `{prefix}auction bid {number} <amount in {currency}>`; each bid "
        "must beat the best by {increment}, and a late bid extends the end."
    ),
    "auction.ended": "Auction #{number} ended {ends}; it takes no more bids.",
    "auction.own": "You can't bid in your own auction #{number}.",
    "auction.not_in_good_standing": (
        "Only members in good standing can bid: your last membership year's obligations were "
        "not met. `{prefix}obligations` shows where you stand."
    ),
    "auction.already_best": "You already have the best bid in auction #{number} ({best}).",
    "auction.too_low": (
        "{amount} is not enough in auction #{number}: the best bid is {best} and bids must "
        "beat it by {increment}, so bid at least {minimum}."
    ),
    "auction.bid": (
        "{bidder} bids {amount} for {hours} of {issuer}'s hours in auction #{number}, which "
        "ends {ends}.{extended}{reserve}"
    ),
    "auction.extended": " A bid this late extends the auction by {minutes} minutes.",
    "auction.below_reserve": " That is below the reserve of {reserve} so far.",
    "auction.outbid": (
        "{bidder} outbid you in auction #{number} with {amount}; it ends {ends}. "
        "`{prefix}auction bid {number} <amount>` to bid again."
    ),
    "auction.not_seller": "Only the seller of auction #{number} can do that.",
    "auction.cannot_settle_open": (
        "Auction #{number} is still running until {ends}; settle it once it has a winner."
    ),
    "auction.cannot_settle_unsold": (
        "Auction #{number} ended without a bid at the reserve; its lot came back to you."
    ),
    "auction.cannot_settle_settled": "Auction #{number} is settled already.",
    "auction.settled": (
        "{seller} confirmed payment of {price}: {winner} now holds {hours} of {issuer}'s hours "
        "from auction #{number}."
    ),
    "auction.settled_winner": (
        "{seller} confirmed your payment of {price}: {hours} of {issuer}'s hours are yours."
    ),
    "auction.cannot_withdraw": (
        "Auction #{number} is {status}; a lot can be taken back before any bid, or when the "
        "winner never paid."
    ),
    "auction.withdrawn": "{seller} took back the lot of auction #{number}; it is closed.",
    "auction.withdrawn_winner": (
        "{seller} closed auction #{number} without a sale; nothing is owed."
    ),
    "auction.list": "Auctions:\n{lines}",
    "auction.list_line": (
        "- #{number}: {hours} of {issuer}'s hours from {seller}; {best}; reserve {reserve}; {state}"
    ),
    "auction.best": "best bid {amount} by {bidder}",
    "auction.no_bids": "no bids yet",
    "auction.ends": "ends {ends}",
    "auction.awaiting_payment": "won, waiting for payment",
    "auction.list_empty": (
        "No auctions are running. Offer hours you hold with "
        "`{prefix}auction open @issuer <hours> <reserve> <currency> <ends>`."
    ),
    "auction.info": (
        "Auction #{number}: {hours} of {issuer}'s hours from {seller}, reserve {reserve}, "
        "{status}, ending {ends}.\nBids, latest first:\n{bids}"
    ),
    "auction.info_bid": "- {amount} by {bidder} at {at}",
    "auction.status_open": "open",
    "auction.status_won": "won, waiting for payment",
    "auction.status_unsold": "closed without a sale",
    "auction.status_settled": "settled",
    "auction.won_winner": (
        "You won auction #{number}: {hours} of {issuer}'s hours for {price}. Pay {seller} "
        "outside Junto; the hours are yours when {seller} confirms."
    ),
    "auction.won_seller": (
        "Auction #{number} ended: {winner} won {hours} of {issuer}'s hours for {price}. Once "
        "they have paid you, say `{prefix}auction settle {number}`; if they never do, "
        "`{prefix}auction withdraw {number}` takes the lot back."
    ),
    "auction.unsold_seller": (
        "Auction #{number} ended with no bid at the reserve of {reserve}; your {hours} of "
        "{issuer}'s hours are yours to use again."
    ),
    "auction.unsold_bidder": (
        "Auction #{number} ended with no bid at the reserve of {reserve}, so nothing was sold."
    ),
}
