"""The organisers' registration pages: counts, filters and search, and every action with the mail it sends and
the audit entry it leaves, through the real app."""

import re

from sqlalchemy import select

from events.catalog.models import Event, WaitlistRule
from events.registrations.models import QuestionKind, RegistrationStatus
from events.registrations.service import add_question
from tests.workspace.registration_helpers import (
    CONTEXT,
    DE_WIT,
    LI,
    OBRIEN,
    audit_entries,
    mails,
    organiser,
    post_action,
    reload,
    sign_up,
    text_of,
    weert_event,
)


async def fresh_event(session, event):
    return await session.scalar(select(Event).where(Event.id == event.id).execution_options(populate_existing=True))


async def test_the_list_counts_filters_and_finds_by_name_in_any_script(client, session):
    event = await weert_event(session, capacity=3)
    li = await sign_up(session, event, 1, **LI, seats=2, members=["王芳"])
    de_wit = await sign_up(session, event, 2, **DE_WIT)
    waiting = await sign_up(session, event, 3, **OBRIEN)
    gone = await sign_up(session, event, 4)
    from events.registrations.service import cancel_registration

    await cancel_registration(session, gone.id, CONTEXT)
    await organiser(client, session)
    page = await client.get(f"/organiser/events/{event.slug}/registrations?lang=en")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    text = text_of(page.text)
    assert "Confirmed 2 (3 places)" in text and "Waiting list 1 (1 place)" in text
    assert "Cancelled 1 (1 place)" in text and "Capacity 3 places" in text
    assert "李娜" in page.text and "Joëlle de Wit-Brouwer" in page.text and "Seán O&#39;Brien" in page.text
    assert 'class="table-scroll"' in page.text and '<th scope="col">' in page.text
    assert f'action="/organiser/events/{event.slug}/registrations/{waiting.id}/promote"' in page.text

    only_waiting = await client.get(f"/organiser/events/{event.slug}/registrations?status=waitlisted&lang=en")
    assert "Seán" in only_waiting.text and "李娜" not in only_waiting.text
    assert "(number 1)" in text_of(only_waiting.text)
    for search, found, absent in (("王芳", "李娜", "Joëlle"), ("JOËLLE", "Joëlle", "李娜"), ("li.na@", "李娜", "Seán")):
        answer = await client.get(f"/organiser/events/{event.slug}/registrations", params={"q": search})
        assert found in answer.text and absent not in answer.text, search
    by_number = await client.get(f"/organiser/events/{event.slug}/registrations", params={"q": f"#{de_wit.id}"})
    assert "Joëlle" in by_number.text and "李娜" not in by_number.text
    nobody = await client.get(f"/organiser/events/{event.slug}/registrations?q=nobody&lang=en")
    assert "No registrations match." in nobody.text
    unknown_group = await client.get(f"/organiser/events/{event.slug}/registrations?status=everyone")
    assert unknown_group.status_code == 200 and "李娜" in unknown_group.text
    assert li.id and gone.id


async def test_the_detail_page_shows_answers_members_and_the_forms(client, session):
    event = await weert_event(session)
    await add_question(
        session, event, kind=QuestionKind.YES_NO, label={"en": "Halal meal?", "nl": "Halal maaltijd?"}, required=True
    )
    [question] = [q for q in await _questions(session, event)]
    registration = await sign_up(session, event, 1, **LI, seats=2, members=["王芳"], answers={str(question.id): True})
    await organiser(client, session)
    page = await client.get(f"/organiser/events/{event.slug}/registrations/{registration.id}?lang=nl")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "Halal maaltijd?" in text and "王芳" in text and "li.na@example.cn" in text
    assert 'id="seats"' in page.text and 'id="message"' in page.text
    assert f'href="/organiser/events/{event.slug}/edit"' in page.text


async def _questions(session, event):
    from events.registrations.service import questions_of

    return await questions_of(session, event.id)


async def test_approving_and_declining_tell_the_participant_in_their_language(client, session):
    event = await weert_event(session, approval_required=True, capacity=2)
    li = await sign_up(session, event, 1, **LI)
    de_wit = await sign_up(session, event, 2, **DE_WIT)
    big = await sign_up(session, event, 3, seats=2)
    await organiser(client, session)
    approved = await post_action(client, event, li.id, "approve")
    assert approved.status_code == 303 and approved.headers["location"].endswith("done=approved")
    assert (await reload(session, li)).status is RegistrationStatus.CONFIRMED
    declined = await post_action(client, event, de_wit.id, "decline")
    assert declined.status_code == 303
    assert (await reload(session, de_wit)).status is RegistrationStatus.DECLINED
    waiting = await post_action(client, event, big.id, "approve")  # one place left, two asked: the waiting list
    assert waiting.headers["location"].endswith("done=approved_waiting")
    assert (await reload(session, big)).status is RegistrationStatus.WAITLISTED

    confirmed = (await mails(session, "confirmed"))[-1]
    assert confirmed.to_address == "li.na@example.cn" and confirmed.language == "zh"
    assert confirmed.qr_code and "/organiser/check-in/scan?code=" in confirmed.qr_code
    [declined_mail] = await mails(session, "declined")
    assert declined_mail.language == "nl" and declined_mail.to_address == "joelle@example.nl"

    again = await post_action(client, event, li.id, "approve")
    assert again.status_code == 409 and "not awaiting approval" in again.text
    entries = await audit_entries(session, "registration.")
    assert [(entry.action, entry.entity_id, entry.changes) for entry in entries] == [
        ("registration.approved", str(li.id), {"status": ["pending", "confirmed"]}),
        ("registration.declined", str(de_wit.id), {"status": ["pending", "declined"]}),
        ("registration.approved", str(big.id), {"status": ["pending", "waitlisted"]}),
    ]
    assert all(entry.event_id == event.id and entry.via == "web" for entry in entries)


async def test_moving_up_by_hand_passes_the_queue_only_when_it_fits(client, session):
    event = await weert_event(session, capacity=3, waitlist_rule=WaitlistRule.STRICT)
    first = await sign_up(session, event, 1, seats=2)
    delegation = await sign_up(session, event, 2, seats=3)  # waits first, too big for the one free place
    single = await sign_up(session, event, 3, **DE_WIT)  # waits behind it: strict order holds it back
    assert (await reload(session, single)).status is RegistrationStatus.WAITLISTED
    await organiser(client, session)
    refused = await post_action(client, event, delegation.id, "promote")
    assert refused.status_code == 409
    assert "3 places are needed, but only 1 are free" in text_of(refused.text)
    assert (await reload(session, delegation)).status is RegistrationStatus.WAITLISTED

    promoted = await post_action(client, event, single.id, "promote")
    assert promoted.status_code == 303
    assert (await reload(session, single)).status is RegistrationStatus.CONFIRMED
    stored = await fresh_event(session, event)
    assert stored.confirmed_seats == 3 and stored.waitlist_length == 1
    [mail] = await mails(session, "promoted")
    assert mail.language == "nl" and mail.qr_code
    [entry] = await audit_entries(session, "registration.promoted")
    assert entry.entity_id == str(single.id) and entry.changes == {"status": ["waitlisted", "confirmed"]}
    assert first.id


async def test_cancelling_quotes_the_organisers_words_in_the_participants_language(client, session):
    event = await weert_event(session, capacity=1)
    li = await sign_up(session, event, 1, **LI)
    waiting = await sign_up(session, event, 2, **DE_WIT)
    await organiser(client, session)
    words = "The bus is full, sorry!\n\nPlease join us next time."
    response = await post_action(client, event, li.id, "cancel", {"message": words})
    assert response.status_code == 303 and response.headers["location"].endswith("done=cancelled")
    cancelled = await reload(session, li)
    assert cancelled.status is RegistrationStatus.CANCELLED and cancelled.cancelled_by == "organiser"
    assert (await reload(session, waiting)).status is RegistrationStatus.CONFIRMED  # the place went on at once
    [mail] = await mails(session, "cancelled_by_organiser")
    assert mail.language == "zh" and mail.to_address == "li.na@example.cn"
    assert "The bus is full, sorry!" in mail.text_body and "Please join us next time." in mail.text_body
    assert "<p>“The bus is full, sorry!</p>" in mail.html_body.replace("&#34;", '"')
    assert mail.calendar_method == "CANCEL"  # they had the invitation; it is taken back
    actions = [
        (entry.action, entry.entity_id, entry.changes) for entry in await audit_entries(session, "registration.")
    ]
    assert actions == [
        ("registration.cancelled", str(li.id), {"status": ["confirmed", "cancelled"]}),
        ("registration.moved_up", str(waiting.id), {"status": ["waitlisted", "confirmed"]}),
    ]
    twice = await post_action(client, event, li.id, "cancel", {"message": ""})
    assert twice.status_code == 409
    too_long = await post_action(client, event, waiting.id, "cancel", {"message": "x" * 2001})
    assert too_long.status_code == 422 and 'id="message-error"' in too_long.text and "x" * 2001 in too_long.text


async def test_changing_places_stays_within_capacity_and_trims_members(client, session):
    event = await weert_event(session, capacity=5, max_seats_per_registration=3)
    group = await sign_up(session, event, 1, **DE_WIT, seats=3, members=["Anna", "Bram"])
    other = await sign_up(session, event, 2, seats=1)
    waiting = await sign_up(session, event, 3, seats=2)
    await organiser(client, session)
    fewer = await post_action(client, event, group.id, "seats", {"seats": "2"})
    assert fewer.status_code == 303
    changed = await reload(session, group)
    assert changed.seats == 2 and changed.members == ["Anna"]  # the last named member beyond the places goes
    assert (await reload(session, waiting)).status is RegistrationStatus.CONFIRMED  # the freed place went on
    more = await post_action(client, event, group.id, "seats", {"seats": "4"})
    assert more.status_code == 409 and "2 places are needed, but only 0 are free" in text_of(more.text)
    bad = await post_action(client, event, other.id, "seats", {"seats": "zero"})
    assert bad.status_code == 422 and 'id="seats-error"' in bad.text and 'value="zero"' in bad.text
    [mail] = await mails(session, "changed")
    assert mail.language == "nl"
    entries = await audit_entries(session, "registration.")
    assert (entries[0].action, entries[0].changes) == ("registration.seats_changed", {"seats": [3, 2]})
    assert entries[1].action == "registration.moved_up" and entries[1].entity_id == str(waiting.id)
    stored = await fresh_event(session, event)
    assert stored.confirmed_seats == 5


async def test_the_audit_log_never_holds_personal_data(client, session):
    event = await weert_event(session, approval_required=True)
    li = await sign_up(session, event, 1, **LI, phone="+86 138 0000 0000", members=["王芳"])
    await organiser(client, session)
    await post_action(client, event, li.id, "approve")
    await post_action(client, event, li.id, "seats", {"seats": "3"})
    await post_action(client, event, li.id, "check-in")
    await post_action(client, event, li.id, "undo-check-in")
    await post_action(client, event, li.id, "cancel", {"message": "Dear 李娜, see you next time"})
    entries = await audit_entries(session)
    assert len(entries) >= 5
    for entry in entries:
        flat = repr((entry.entity_id, entry.changes))
        for secret in ("李娜", "王芳", "li.na@example.cn", "138 0000", "see you next time"):
            assert secret not in flat


async def test_a_registration_of_another_event_is_not_found_by_a_guessed_number(client, session):
    event = await weert_event(session)
    other = await weert_event(session)
    theirs = await sign_up(session, other, 1)
    await organiser(client, session)
    assert (await client.get(f"/organiser/events/{event.slug}/registrations/{theirs.id}")).status_code == 404
    page = await client.get(f"/organiser/events/{other.slug}/registrations/{theirs.id}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    refused = await client.post(
        f"/organiser/events/{event.slug}/registrations/{theirs.id}/check-in", data={"csrf_token": token}
    )
    assert refused.status_code == 404
    assert (await reload(session, theirs)).checked_in_at is None
    unknown = await client.post(
        f"/organiser/events/{other.slug}/registrations/{theirs.id}/explode", data={"csrf_token": token}
    )
    assert unknown.status_code == 404


async def test_actions_need_the_forms_csrf_token(client, session):
    event = await weert_event(session)
    registration = await sign_up(session, event, 1)
    await organiser(client, session)
    await client.get(f"/organiser/events/{event.slug}/registrations")
    refused = await client.post(f"/organiser/events/{event.slug}/registrations/{registration.id}/cancel", data={})
    assert refused.status_code == 403
    assert (await reload(session, registration)).status is RegistrationStatus.CONFIRMED


async def test_the_next_page_is_only_ever_this_site(client, session):
    event = await weert_event(session)
    registration = await sign_up(session, event, 1)
    await organiser(client, session)
    for target, expected in (
        ("https://evil.example/", f"/organiser/events/{event.slug}/registrations/{registration.id}?done=checked_in"),
        (
            f"/organiser/events/{event.slug}/check-in?q=a",
            f"/organiser/events/{event.slug}/check-in?q=a&done=checked_in",
        ),
    ):
        await post_action(client, event, registration.id, "undo-check-in")
        response = await post_action(client, event, registration.id, "check-in", {"next": target})
        assert response.headers["location"] == expected
