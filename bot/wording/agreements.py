"""Wording for providers, learning agreements and assessments."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
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
    "provider.list": "Providers{page}:\n{lines}{more}",
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
    "agreement.list": "Your learning agreements{page}:\n{lines}{more}",
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
}
