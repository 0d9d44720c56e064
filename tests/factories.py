"""Small helpers that build test data through the real service functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from events.catalog.models import Category, City, Event, EventStatus, Venue
from events.catalog.service import EventText, create_category, create_city, create_event, create_venue

CATEGORY_SLUGS = ("economy", "culture", "sport", "tourism", "education")


@dataclass
class World:
    weert: City
    yuhang: City
    categories: dict[str, Category]
    venue: Venue


async def build_world(session: AsyncSession) -> World:
    weert = await create_city(
        session,
        slug="weert",
        name={"nl": "Weert", "en": "Weert", "zh": "韦尔特"},
        country="NL",
        timezone="Europe/Amsterdam",
        office_name={"nl": "Gemeente Weert", "en": "Municipality of Weert", "zh": "韦尔特市政府"},
        office_email="stedenband@weert.example",
        position=1,
    )
    yuhang = await create_city(
        session,
        slug="yuhang",
        name={"nl": "Yuhang", "en": "Yuhang", "zh": "余杭"},
        clock_name={"nl": "Hangzhou", "en": "Hangzhou", "zh": "杭州"},
        country="CN",
        timezone="Asia/Shanghai",
        office_name={"nl": "District Yuhang", "en": "Yuhang District", "zh": "余杭区人民政府"},
        office_email="office@yuhang.example",
        position=2,
    )
    categories = {}
    for position, slug in enumerate(CATEGORY_SLUGS):
        categories[slug] = await create_category(
            session,
            slug=slug,
            name={"nl": slug.title() + " (nl)", "en": slug.title(), "zh": slug + "（中文）"},
            description={"en": f"About {slug}"},
            position=position,
        )
    venue = await create_venue(
        session,
        name={"nl": "Stadhuis Weert", "en": "Weert City Hall", "zh": "韦尔特市政厅"},
        city=weert,
        address="Wilhelminasingel 101, 6001 GS Weert",
        latitude=51.2517,
        longitude=5.7069,
    )
    return World(weert, yuhang, categories, venue)


async def make_event(
    session: AsyncSession,
    world: World,
    *,
    title: str = "Exchange event",
    texts: dict[str, EventText] | None = None,
    city: City | None = None,
    office: City | None = None,
    category: str = "culture",
    starts_at: dt.datetime,
    hours: float = 2,
    status: EventStatus = EventStatus.PUBLISHED,
    now: dt.datetime,
    **options: Any,
) -> Event:
    city = city or world.weert
    return await create_event(
        session,
        texts=texts or {"en": EventText(title=title, summary=f"Summary of {title}")},
        category=world.categories[category],
        city=city,
        office=office or city,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        status=status,
        now=now,
        **options,
    )
