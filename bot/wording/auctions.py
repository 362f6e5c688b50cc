"""Wording for auctions and money amounts."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
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
    "auction.list": "Auctions{page}:\n{lines}{more}",
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
