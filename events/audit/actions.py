"""What each action code of the log means, in words for the audit pages. A code missing here is shown as it is,
so a new action is never hidden; add its words when you add the action."""

from __future__ import annotations

from events.i18n import N_, gettext_for

ACTION_NAMES = {
    "api_token.created": N_("API token created"),
    "api_token.revoked": N_("API token revoked"),
    "event.cancelled": N_("Event cancelled"),
    "event.created": N_("Event created"),
    "event.deleted": N_("Event deleted"),
    "event.duplicated": N_("Event copied to a new one"),
    "event.occurrence_cancelled": N_("One date of a series cancelled"),
    "event.occurrence_moved": N_("One date of a series moved"),
    "event.participants_messaged": N_("Message sent to the participants"),
    "event.published": N_("Event published"),
    "event.unpublished": N_("Event unpublished"),
    "event.updated": N_("Event changed"),
    "feed_source.added": N_("Feed source added"),
    "feed_source.changed": N_("Feed source changed"),
    "feed_source.removed": N_("Feed source removed"),
    "feed_source.synced": N_("Feed source synced by hand"),
    "registration.approved": N_("Registration approved"),
    "registration.cancelled": N_("Registration cancelled by an organiser"),
    "registration.check_in_undone": N_("Check-in undone"),
    "registration.checked_in": N_("Participant checked in"),
    "registration.declined": N_("Registration declined"),
    "registration.moved_up": N_("Registration moved up the waiting list"),
    "registration.promoted": N_("Registration given a place from the waiting list"),
    "registration.seats_changed": N_("Number of places changed"),
    "user.deactivated": N_("Account deactivated"),
    "user.invited": N_("Person invited"),
    "user.password_reset": N_("Password reset"),
    "user.password_set": N_("Password chosen"),
    "user.reactivated": N_("Account reactivated"),
    "user.updated": N_("Account changed"),
}

ENTITY_NAMES = {
    "api_token": N_("API token"),
    "event": N_("Event"),
    "feed_source": N_("Feed source"),
    "registration": N_("Registration"),
    "user": N_("User"),
}

# How a change came; "cli" and "system" also stand for who made it when nobody was signed in.
VIA_NAMES = {"web": N_("workspace"), "api": N_("API"), "cli": N_("command line"), "system": N_("system")}


def _named(names: dict[str, str], code: str, language: str) -> str:
    return gettext_for(language, names[code]) if code in names else code


def action_name(code: str, language: str) -> str:
    return _named(ACTION_NAMES, code, language)


def entity_name(code: str, language: str) -> str:
    return _named(ENTITY_NAMES, code, language)


def via_name(code: str, language: str) -> str:
    return _named(VIA_NAMES, code, language)
