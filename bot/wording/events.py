"""Wording for events and attendance."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    # Scheduling.
    "event.scheduled": (
        "Event #{number} is scheduled: {title} ({circle}), {start}, for {length}. "
        "Hosts: {hosts}.{capacity}{repeats}{counts}\n"
        "Members answer with `{prefix}event rsvp {number} going|maybe|no`."
    ),
    "event.capacity_line": " Places: {capacity}; more join a waiting list.",
    "event.repeats_line": (
        "\nIt repeats {repeat}, {count} times in all: {numbers} (the last on {last}). "
        "Each occurrence has its own number."
    ),
    "event.repeat_weekly": "weekly",
    "event.repeat_fortnightly": "fortnightly",
    "event.repeat_monthly": "monthly",
    "event.forming_warning": (
        "\nNote: {name} is still forming, so this event won't count towards anyone's "
        "obligations. It counts once the circle is active when an event is scheduled."
    ),
    "event.unknown": (
        "There is no event #{number} here. `{prefix}event list` shows the upcoming events."
    ),
    "event.start_past": (
        "That start ({start}) is not in the future. Give a later time, in your own zone, "
        'like `"2026-12-01 18:00"`.'
    ),
    "event.start_far": "That start is more than two years away; schedule it nearer the time.",
    "event.end_before_start": (
        "The event must end after it starts: it starts {start} but ends {end}. Give a length "
        "like `90m` or a later end time."
    ),
    "event.too_long": "An event can last at most 24 hours; split a longer one into several.",
    "event.duration": (
        "I couldn't read “{value}” as a length or an end time. Try `90m`, `1.5`, `1h30m`, "
        "or an end time like `20:00`."
    ),
    "event.capacity_negative": (
        "The capacity can't be below zero (you gave {value}). Leave it out for no limit."
    ),
    "event.count_missing": ("Say how many times it repeats {repeat}, e.g. `count:6` (at most 52)."),
    "event.count_range": "count must be between {low} and {high}; you gave {value}.",
    "event.count_without_repeat": (
        "A count needs a repeat: add `repeat:weekly`, `repeat:fortnightly` or `repeat:monthly`."
    ),
    "event.scheduler_not_member": (
        "You are not a member of {name}, so you can't host its event yourself. Name the hosts "
        "from its members, e.g. `hosts:@bob`."
    ),
    "event.host_not_member": (
        "{member} is not a member of {name}; hosts must be members of the circle."
    ),
    # Answers and the waiting list.
    "event.rsvp_going": (
        "You are going to #{number} {title} on {start}. You'll get reminders; check in with "
        "`{prefix}event checkin {number}` when you arrive."
    ),
    "event.rsvp_waiting": (
        "#{number} {title} is full ({capacity} places), so you are on its waiting list at "
        "position {position}. I'll tell you if a place frees up."
    ),
    "event.still_waiting": (
        "You are still on the waiting list for #{number} {title}, at position {position}."
    ),
    "event.rsvp_maybe": "Noted: maybe for #{number} {title} on {start}. You'll get reminders.",
    "event.rsvp_no": "Noted: you are not coming to #{number} {title}.",
    "event.admitted": (
        "A place freed up at #{number} {title} on {start}, and it is yours: you are going. "
        "Can't make it after all? Say `{prefix}event rsvp {number} no`."
    ),
    "event.not_circle_member": (
        "#{number} is an event of {name}; join the circle first with `{prefix}circle join {name}`."
    ),
    "event.host_rsvp": "You are hosting #{number}, so you are there already; no need to answer.",
    "event.is_cancelled": "#{number} {title} is cancelled. `{prefix}event list` shows what's on.",
    "event.is_over": ("#{number} {title} is over. `{prefix}event list` shows the upcoming events."),
    # Check-in.
    "event.checked_in": "You are checked in at #{number} {title}. Enjoy!",
    "event.checked_in_other": "{member} is checked in at #{number} {title}.",
    "event.checked_in_by": "{by} checked you in at #{number} {title}.",
    "event.checkin_not_open": "Check-in for #{number} opens at {opens}; come back then.",
    "event.checkin_closed": (
        "Check-in for #{number} closed at {closed}. If you were there, ask a host; "
        "attendance can't change once check-in is over."
    ),
    "event.checkin_others": (
        "Only the hosts and the circle's leads may check in someone else at #{number}; "
        "check yourself in with `{prefix}event checkin {number}`."
    ),
    "event.checkin_not_member": (
        "{member} is not a member of {name}, so they can't attend #{number}. "
        "They can join with `{prefix}circle join {name}`."
    ),
    "event.host_present": ("{member} hosts #{number}; hosts count as present without checking in."),
    "event.already_in": "{member} is already checked in at #{number}.",
    "event.checkin_full": (
        "#{number} has no free place (capacity {capacity}) and you didn't say going. "
        "Ask a host to check you in if there is room in the end."
    ),
    # Cancelling and changing.
    "event.not_organiser": (
        "Only the hosts of #{number}, the leads of {name} or an admin may change or cancel it."
    ),
    "event.cancelled": "Cancelled: {numbers} {title} ({circle}). Everyone coming has been told.",
    "event.cancelled_notice": (
        "#{number} {title} ({circle}) on {start} is cancelled by {by}. "
        "`{prefix}event list` shows what's still on."
    ),
    "event.already_cancelled": "#{number} is already cancelled.",
    "event.cancel_over": "#{number} has ended already, so it can't be cancelled.",
    "event.edit_started": "#{number} has started or ended, so it can't be changed now.",
    "event.edit_nothing": (
        "Say what to change, e.g. `{prefix}event edit {number} "
        'start:"2026-12-08 18:00" capacity:12`.'
    ),
    "event.capacity_below_going": (
        "{going} members are already going, so the capacity can't drop to {capacity}. "
        "Ask some to step back first."
    ),
    "event.edited": "#{number} {title} is changed:\n{changes}\nEveryone coming has been told.",
    "event.changed_notice": (
        "#{number} {title} ({circle}) was changed by {by}:\n{changes}\n"
        "`{prefix}event info {number}` has the details."
    ),
    "event.change_title": "- title: {title}",
    "event.change_time": "- now {start}, for {length}",
    "event.change_capacity": "- capacity: {capacity}",
    "event.change_where": "- where: {where}",
    "event.change_about": "- a new description",
    # Lists, details and calendars.
    "event.list": "Upcoming events{page}:\n{lines}{more}",
    "event.list_line": "- #{number} {title} ({circle}): {start}, {length}, {going} going{running}",
    "event.list_running": " (running now)",
    "event.list_empty": (
        "No upcoming events. A circle's lead schedules one with `{prefix}event schedule "
        '<circle> <title> "<start>" <duration>`.'
    ),
    "event.list_empty_circle": "{circle} has no upcoming events.",
    "event.info": (
        "#{number} {title} ({circle}): {state}\n"
        "When: {start} to {end} ({length})\nWhere: {where}\nHosts: {hosts}\n"
        "Going: {going} ({going_names})\nMaybe: {maybe}\nWaiting: {waiting}\n"
        "Checked in: {present}\nCheck-in: {opens} to {closes}"
        "{series}{about}{counts}{outcome}"
    ),
    "event.info_series": "\nOccurrence {occurrence} of a repeating event.",
    "event.info_about": "\n{about}",
    "event.info_not_counting": (
        "\nIts circle was forming when it was scheduled, so it doesn't count towards obligations."
    ),
    "event.info_outcome": "\nReview: {at_level} at level, {below} below, of {voters} voters.",
    "event.state_scheduled": "scheduled",
    "event.state_cancelled": "cancelled",
    "event.state_running": "running",
    "event.state_in_review": "in review",
    "event.state_validated": "validated",
    "event.state_not_validated": "not validated",
    "event.state_unreviewed": "unreviewed",
    "event.calendar": (
        "Here are {count} upcoming events as an iCalendar file; open it or import it into "
        "your calendar app."
    ),
    "event.calendar_empty": (
        "There are no upcoming events to put in a calendar yet. `{prefix}event list` shows "
        "what's on."
    ),
    "event.calendar_no_circles": (
        "You are in no circle yet, so I don't know whose events you want. Name one: "
        "`{prefix}event calendar <circle>`."
    ),
    # Reminders.
    "event.reminder": (
        "Reminder: #{number} {title} ({circle}) starts in {in}, at {start}. Where: {where}. "
        "Check in from {opens} with `{prefix}event checkin {number}`."
    ),
}
