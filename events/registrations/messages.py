"""The messages a participant gets, in their own language, with the event's time in both cities and, where
their calendar should change, an iTIP invitation or cancellation with the public feeds' UID."""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from events.catalog.presenters import EventView
from events.feeds.ical import FeedEvent, invitation
from events.i18n import N_, gettext_for, ngettext_for, pick_text
from events.mail.service import Message
from events.registrations.check_in_codes import check_in_code, scan_url
from events.registrations.models import Registration, RegistrationStatus
from events.web.templating import create_environment


class Kind(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    PENDING = "pending"
    PROMOTED = "promoted"
    MANAGE_LINK = "manage_link"
    CHANGED = "changed"
    CANCELLED = "cancelled"
    CANCELLED_BY_ORGANISER = "cancelled_by_organiser"
    DECLINED = "declined"
    REMINDER = "reminder"
    EVENT_CHANGED = "event_changed"
    EVENT_CANCELLED = "event_cancelled"
    CALENDAR_LINK = "calendar_link"


SUBJECTS = {
    Kind.CONFIRMED: N_("Registration confirmed: %(title)s"),
    Kind.WAITLISTED: N_("On the waiting list: %(title)s"),
    Kind.PENDING: N_("Registration received, awaiting approval: %(title)s"),
    Kind.PROMOTED: N_("A place came free, you are in: %(title)s"),
    Kind.MANAGE_LINK: N_("Your registration for %(title)s"),
    Kind.CHANGED: N_("Your registration was changed: %(title)s"),
    Kind.CANCELLED: N_("Registration cancelled: %(title)s"),
    Kind.CANCELLED_BY_ORGANISER: N_("The organisers have cancelled your registration: %(title)s"),
    Kind.DECLINED: N_("Registration not accepted: %(title)s"),
    Kind.REMINDER: N_("Reminder: %(title)s"),
    Kind.EVENT_CHANGED: N_("Changed: %(title)s"),
    Kind.EVENT_CANCELLED: N_("Cancelled: %(title)s"),
    Kind.CALENDAR_LINK: N_("Your personal calendar of exchange events"),
}

OPENINGS = {
    Kind.CONFIRMED: N_("Your registration is confirmed. We look forward to seeing you."),
    Kind.WAITLISTED: N_(
        "The event is full, so you are on the waiting list. If a place comes free, you move up "
        "automatically and we let you know at once."
    ),
    Kind.PENDING: N_(
        "We have received your registration. The organisers will look at it and let you know whether it is accepted."
    ),
    Kind.PROMOTED: N_("Good news: a place came free and your registration is now confirmed."),
    Kind.MANAGE_LINK: N_(
        "You asked to register again, but you are already registered. Here is your personal "
        "link to see or change your registration."
    ),
    Kind.CHANGED: N_("Your registration has been changed. This is how it stands now."),
    Kind.CANCELLED: N_("Your registration has been cancelled. You can register again while registration is open."),
    Kind.CANCELLED_BY_ORGANISER: N_(
        "The organisers have cancelled your registration. If you have questions, reply to the office below."
    ),
    Kind.DECLINED: N_("We are sorry: the organisers could not accept your registration for this event."),
    Kind.REMINDER: N_("A reminder: the event starts soon."),
    Kind.EVENT_CHANGED: N_(
        "The organisers have changed the time or place of this event. Please check the "
        "details below; your calendar entry has been updated."
    ),
    Kind.EVENT_CANCELLED: N_("We are sorry: this event has been cancelled."),
    Kind.CALENDAR_LINK: N_(
        "Here is your personal calendar link. Subscribe to it in your calendar app and every "
        "event you register for with this e-mail address appears there, and stays up to date."
    ),
}

STATUS_NAMES = {
    RegistrationStatus.CONFIRMED: N_("confirmed"),
    RegistrationStatus.WAITLISTED: N_("on the waiting list"),
    RegistrationStatus.PENDING: N_("awaiting approval"),
    RegistrationStatus.CANCELLED: N_("cancelled"),
    RegistrationStatus.DECLINED: N_("not accepted"),
}

# Messages that change the participant's calendar: REQUEST puts the event in, CANCEL takes it out.
REQUESTS = {Kind.CONFIRMED, Kind.PROMOTED, Kind.EVENT_CHANGED}
CANCELS = {Kind.CANCELLED, Kind.CANCELLED_BY_ORGANISER, Kind.EVENT_CANCELLED}
# Messages to a confirmed participant that carry their check-in code, drawn as a QR code when sent.
WITH_CHECK_IN_CODE = {Kind.CONFIRMED, Kind.PROMOTED, Kind.MANAGE_LINK, Kind.REMINDER}
# The longest QR content the outbox keeps (outbox_messages.qr_code).
MAX_QR_CODE = 300


@dataclass(frozen=True)
class MailSettings:
    base_url: str
    calendar_domain: str
    # Signs check-in codes; without it (scripts, the demo) messages carry none.
    secret_key: str | None = None


def compose(
    kind: Kind,
    registration: Registration,
    view: EventView,
    entry: FeedEvent,
    *,
    settings: MailSettings,
    now: dt.datetime,
    manage_url: str | None = None,
    waitlist_position: int | None = None,
    calendar_url: str | None = None,
    note: str = "",
    quote: str | None = None,
    was_in_calendar: bool = False,
    sequence_raised: bool = False,
) -> Message:
    """A message to the person behind ``registration``; ``view`` is the event in their language.
    ``quote``: the organisers' own words, in whatever language they wrote them, shown as a quotation.
    ``was_in_calendar``: they had been sent an invitation, which a cancellation must now take back.
    ``sequence_raised``: the caller has raised ``registration.calendar_sequence`` for this message's invitation
    already (a new registration writes it in its INSERT); otherwise an invitation raises it here."""
    language = registration.language
    event = view.event
    confirmed = registration.status is RegistrationStatus.CONFIRMED
    lines = [gettext_for(language, OPENINGS[kind])]
    if note:
        lines.append(note)
    if quote and quote.strip():
        lines.extend(quoted(language, quote))
    if kind is Kind.EVENT_CANCELLED and view.cancellation_reason:
        lines.append(view.cancellation_reason)
    if registration.status is RegistrationStatus.WAITLISTED and waitlist_position is not None:
        lines.append(
            gettext_for(language, N_("Your place on the waiting list: %(position)s."), position=waitlist_position)
        )
    office = pick_text(event.office.office_name, language)
    online_url = event.online_url if confirmed and kind is not Kind.CANCELLED else None
    context: dict[str, object] = {
        "lang": language,
        "kind": kind.value,
        "greeting": gettext_for(language, N_("Dear %(name)s,"), name=registration.name),
        "lines": lines,
        "view": view,
        "status": gettext_for(language, STATUS_NAMES[registration.status]),
        "seats": ngettext_for(language, "%(num)s place", "%(num)s places", registration.seats),
        "members": registration.members,
        "online_url": online_url,
        "manage_url": manage_url,
        "calendar_url": calendar_url,
        "office": office,
        "office_email": event.office.office_email,
    }
    environment = create_environment()
    calendar, method = None, None
    if (kind in REQUESTS and confirmed) or (kind in CANCELS and was_in_calendar):
        method = "REQUEST" if kind in REQUESTS else "CANCEL"
        if not sequence_raised:
            registration.calendar_sequence += 1
        calendar = invitation(
            entry,
            method=method,
            stamp=now,
            sequence=event.sequence + registration.calendar_sequence,
            attendee_name=registration.name,
            attendee_email=registration.email,
            online_url=online_url,
        ).decode()
    return Message(
        kind=kind.value,
        to_address=registration.email,
        to_name=registration.name,
        language=language,
        subject=gettext_for(language, SUBJECTS[kind], title=view.title),
        text_body=environment.get_template("mail/message.txt").render(context),
        html_body=environment.get_template("mail/message.html").render(context),
        calendar=calendar,
        calendar_method=method,
        registration_id=registration.id,
        qr_code=_check_in_qr(kind, registration, settings),
    )


def quoted(language: str, text: str) -> list[str]:
    """The organisers' words as a quotation, one line per paragraph: an introduction in the reader's language,
    then their text as they wrote it, between the reader's own quotation marks."""
    paragraphs = [part.strip() for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]
    marked = gettext_for(language, N_("“%(text)s”"), text="\n\n".join(paragraphs)).split("\n\n")
    return [gettext_for(language, N_("The organisers wrote:")), *marked]


def _check_in_qr(kind: Kind, registration: Registration, settings: MailSettings) -> str | None:
    if kind not in WITH_CHECK_IN_CODE or registration.status is not RegistrationStatus.CONFIRMED:
        return None
    if not settings.secret_key:
        return None
    url = scan_url(settings.base_url, check_in_code(settings.secret_key, registration.id))
    return url if len(url) <= MAX_QR_CODE else None
