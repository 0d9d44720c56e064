"""What can stop a registration, each with its status and its message in the participant's language."""

from __future__ import annotations

from events.catalog.availability import RegistrationState
from events.errors import PlatformError
from events.i18n import N_

CLOSED_MESSAGES = {
    RegistrationState.NOT_YET_OPEN: N_("Registration for this event opens on %(date)s."),
    RegistrationState.CLOSED: N_("Registration for this event has closed."),
    RegistrationState.STARTED: N_("This event has already started, so registration is closed."),
    RegistrationState.CANCELLED: N_("This event has been cancelled, so registration is closed."),
    RegistrationState.FULL: N_("This event is fully booked and has no waiting list."),
    RegistrationState.NOT_PUBLISHED: N_("This event is not open for registration."),
    RegistrationState.NO_REGISTRATION: N_("This event does not take registrations."),
}


class RegistrationClosed(PlatformError):
    status = 409
    code = "registration-closed"
    title = N_("Registration is closed")

    def __init__(self, reason: RegistrationState, **params: object) -> None:
        super().__init__(CLOSED_MESSAGES[reason], **params)
        self.reason = reason

    def problem_fields(self) -> dict[str, object]:
        return {"reason": self.reason.value}


class NotEnoughSeats(PlatformError):
    status = 409
    code = "not-enough-seats"
    title = N_("Not enough places left")

    def __init__(self, left: int) -> None:
        super().__init__(N_("Only %(left)s places are left; choose fewer, or join the waiting list."), left=left)


class RegistrationCancelled(PlatformError):
    status = 409
    code = "registration-cancelled"
    title = N_("This registration has been cancelled")

    def __init__(self) -> None:
        super().__init__(N_("A cancelled registration cannot be changed; you can register again."))


class AlreadyRegistered(PlatformError):
    status = 409
    code = "already-registered"
    title = N_("You are already registered")

    def __init__(self) -> None:
        super().__init__(N_("You are already registered for this event; we have e-mailed your manage link again."))


class IdempotencyConflict(PlatformError):
    status = 422
    code = "idempotency-key-reused"
    title = N_("This Idempotency-Key was used for another request")


class CapacityBelowConfirmed(PlatformError):
    status = 409
    code = "capacity-below-confirmed"
    title = N_("The capacity cannot be lower than the places already confirmed")

    def __init__(self, confirmed: int) -> None:
        super().__init__(
            N_("%(confirmed)s places are confirmed; cancel registrations first to go below that."), confirmed=confirmed
        )
