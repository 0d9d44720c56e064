"""Messages from the organisers to an event's participants: one text per language, each participant gets theirs
(or the fallback), a preview first, sent through the outbox and audited without addresses."""

import re

from events.registrations.service import cancel_registration
from tests.workspace.helpers import csrf_of
from tests.workspace.registration_helpers import (
    CONTEXT,
    DE_WIT,
    LI,
    OBRIEN,
    audit_entries,
    mails,
    organiser,
    sign_up,
    text_of,
    weert_event,
)

TEXTS = {
    "subject_nl": "Praktische informatie",
    "body_nl": "Neem uw paspoort mee.\nDe bus vertrekt om 9:00.",
    "subject_en": "Practical information",
    "body_en": "Please bring your passport.",
    "subject_zh": "实用信息",
    "body_zh": "请携带护照。",
}


async def participants(session, capacity=3):
    event = await weert_event(session, capacity=capacity)
    people = {
        "zh": await sign_up(session, event, 1, **LI),
        "nl": await sign_up(session, event, 2, **DE_WIT),
        "en": await sign_up(session, event, 3, **OBRIEN),
        "waiting": await sign_up(session, event, 4, language="nl"),
    }
    gone = await sign_up(session, event, 5, language="en")
    await cancel_registration(session, gone.id, CONTEXT)
    return event, people


async def send(client, event, data):
    page = await client.get(f"/organiser/events/{event.slug}/message?lang=en")
    assert page.status_code == 200
    return await client.post(f"/organiser/events/{event.slug}/message", data={**data, "csrf_token": csrf_of(page.text)})


async def test_a_preview_says_who_gets_which_language_and_sends_nothing(client, session):
    event, _ = await participants(session)
    await organiser(client, session)
    form = await client.get(f"/organiser/events/{event.slug}/message?lang=en")
    assert 'value="Trade mission"' in form.text  # the subjects start with the event's title where it has one
    preview = await send(client, event, {"group": "active", "step": "preview", **TEXTS})
    assert preview.status_code == 200
    text = text_of(preview.text)
    assert "4 participants get this message." in text and "Send to 4 participants" in text
    assert "Nederlands Nederlands 2" in text and "中文 中文 1" in text and "English English 1" in text
    assert "Neem uw paspoort mee." in preview.text  # the texts are kept in the form
    assert await mails(session, "organiser_message") == []


async def test_each_participant_gets_the_text_in_their_language(client, session):
    event, people = await participants(session)
    await organiser(client, session)
    response = await send(client, event, {"group": "active", "step": "send", **TEXTS})
    assert response.status_code == 303
    assert response.headers["location"] == f"/organiser/events/{event.slug}/message?done=message_sent&count=4"
    confirmation = await client.get(response.headers["location"] + "&lang=en")
    assert "Sent to 4 participants." in confirmation.text
    sent = {mail.to_address: mail for mail in await mails(session, "organiser_message")}
    assert len(sent) == 4  # not the one who cancelled
    chinese = sent["li.na@example.cn"]
    assert chinese.language == "zh" and chinese.subject == "实用信息" and "请携带护照。" in chinese.text_body
    dutch = sent["joelle@example.nl"]
    assert dutch.subject == "Praktische informatie" and "De bus vertrekt om 9:00." in dutch.text_body
    assert sent["sean@example.ie"].subject == "Practical information"
    assert sent["person4@example.org"].language == "nl"
    assert "/r/" in dutch.text_body and "?lang=nl" in dutch.text_body  # their own registration, in their language
    assert all(
        mail.registration_id == people[key].id
        for key, mail in zip(["zh", "nl", "en", "waiting"], sent.values(), strict=True)
    )
    [entry] = await audit_entries(session, "event.participants_messaged")
    assert entry.entity_type == "event" and entry.entity_id == str(event.id)
    assert entry.changes == {
        "group": [None, "active"],
        "recipients": [None, 4],
        "languages": [None, ["en", "nl", "zh"]],
    }
    assert "@" not in repr(entry.changes)


async def test_a_missing_language_falls_back_in_the_platforms_order(client, session):
    event, _ = await participants(session)
    await organiser(client, session)
    only_two = {key: value for key, value in TEXTS.items() if not key.endswith("_zh")}
    response = await send(client, event, {"group": "confirmed", "step": "send", **only_two})
    assert response.status_code == 303
    sent = {mail.to_address: mail for mail in await mails(session, "organiser_message")}
    assert set(sent) == {"li.na@example.cn", "joelle@example.nl", "sean@example.ie"}  # confirmed only
    assert sent["li.na@example.cn"].language == "en"  # no Chinese text: English comes next
    assert sent["li.na@example.cn"].subject == "Practical information"
    assert sent["joelle@example.nl"].language == "nl"


async def test_the_form_shows_every_mistake_at_its_field(client, session):
    event, _ = await participants(session)
    await organiser(client, session)
    empty = await send(client, event, {"group": "active", "step": "preview", "subject_en": "Only a subject"})
    assert empty.status_code == 422 and 'id="texts-error"' in empty.text
    assert "Write the message in at least one language." in empty.text and 'value="Only a subject"' in empty.text
    no_subject = await send(client, event, {"group": "everyone", "step": "send", "body_zh": "请携带护照。"})
    assert no_subject.status_code == 422
    assert 'id="subject_zh-error"' in no_subject.text and 'id="group-error"' in no_subject.text
    assert "请携带护照。" in no_subject.text and 'aria-invalid="true"' in no_subject.text
    too_long = await send(client, event, {"group": "active", "step": "send", "subject_nl": "x", "body_nl": "y" * 5001})
    assert too_long.status_code == 422 and 'id="body_nl-error"' in too_long.text
    nobody = await send(client, event, {"group": "pending", "step": "send", **TEXTS})
    assert nobody.status_code == 422 and "Nobody in this group can be written to." in nobody.text
    assert await mails(session, "organiser_message") == []
    assert await audit_entries(session, "event.participants_messaged") == []


async def test_those_who_came_can_be_thanked(client, session):
    event, people = await participants(session)
    await organiser(client, session)
    page = await client.get(f"/organiser/events/{event.slug}/check-in")
    await client.post(
        f"/organiser/events/{event.slug}/registrations/{people['nl'].id}/check-in",
        data={"csrf_token": csrf_of(page.text)},
    )
    response = await send(
        client, event, {"group": "checked_in", "step": "send", "subject_en": "Thanks", "body_en": "!"}
    )
    assert response.status_code == 303
    [mail] = await mails(session, "organiser_message")
    assert mail.to_address == "joelle@example.nl" and mail.language == "en"  # only English was written


async def test_sending_the_same_form_twice_sends_it_once(client, session):
    event, _ = await participants(session)
    await organiser(client, session)
    preview = await send(client, event, {"group": "active", "step": "preview", **TEXTS})
    once = re.search(r'name="once" value="([^"]+)"', preview.text).group(1)
    form = {"group": "active", "step": "send", "once": once, "csrf_token": csrf_of(preview.text), **TEXTS}
    first = await client.post(f"/organiser/events/{event.slug}/message", data=form)
    again = await client.post(f"/organiser/events/{event.slug}/message", data=form)  # a double click
    assert first.headers["location"].endswith("done=message_sent&count=4")
    assert again.headers["location"].endswith("done=message_already_sent")
    assert len(await mails(session, "organiser_message")) == 4
    assert len(await audit_entries(session, "event.participants_messaged")) == 1
