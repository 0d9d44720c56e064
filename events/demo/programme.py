"""The demo programme: the Weert–Yuhang twinning's real pillars, in Dutch, English and Chinese."""

from __future__ import annotations

from typing import Any

# How `when` works: "weeks" counts whole weeks from the current week (0 = this week, negative = in the past),
# "weekday" is 0 = Monday … 6 = Sunday, "time" is the local start "HH:MM" in the HOST city's time zone and
# "hours" is the duration. All-day events ("all_day": True) have "days" instead of "time" and "hours".

CITIES: list[dict[str, Any]] = [
    {
        "slug": "weert",
        "name": {"nl": "Weert", "en": "Weert", "zh": "韦尔特"},
        "clock_name": None,
        "country": "NL",
        "timezone": "Europe/Amsterdam",
        "office_name": {"nl": "Gemeente Weert", "en": "Municipality of Weert", "zh": "韦尔特市政府"},
        "office_email": "stedenband@weert.example",
        "position": 1,
    },
    {
        "slug": "yuhang",
        "name": {"nl": "Yuhang", "en": "Yuhang", "zh": "余杭"},
        "clock_name": {"nl": "Hangzhou", "en": "Hangzhou", "zh": "杭州"},
        "country": "CN",
        "timezone": "Asia/Shanghai",
        "office_name": {
            "nl": "Volksregering van het district Yuhang",
            "en": "Yuhang District People's Government",
            "zh": "杭州市余杭区人民政府",
        },
        "office_email": "waiban@yuhang.example",
        "position": 2,
    },
]

CATEGORIES: list[dict[str, Any]] = [
    {
        "slug": "economy",
        "name": {"nl": "Economie", "en": "Economy", "zh": "经济"},
        "description": {
            "nl": (
                "Handelsmissies, bedrijfspartnerschappen en Chinese bedrijven die "
                "vanuit de regio Weert Europa bedienen."
            ),
            "en": (
                "Trade missions, company partnerships and Chinese companies using the "
                "Weert region as a base for Europe."
            ),
            "zh": "经贸代表团互访、企业合作，以及以韦尔特地区为基地拓展欧洲市场的中国企业。",
        },
        "position": 1,
    },
    {
        "slug": "culture",
        "name": {"nl": "Cultuur en kunst", "en": "Culture and art", "zh": "文化艺术"},
        "description": {
            "nl": "Kunstuitwisselingen, tentoonstellingen en feesten die Weert en Yuhang met elkaar delen.",
            "en": "Art exchanges, exhibitions and festivals that Weert and Yuhang share with each other.",
            "zh": "韦尔特与余杭之间的艺术交流、展览和节庆活动。",
        },
        "position": 2,
    },
    {
        "slug": "sport",
        "name": {"nl": "Sport", "en": "Sport", "zh": "体育"},
        "description": {
            "nl": "Toernooien, clinics en fietstochten waarin sporters uit beide steden elkaar ontmoeten.",
            "en": "Tournaments, clinics and cycling tours where athletes from both cities meet.",
            "zh": "两地运动员相聚的友谊赛、训练营和骑行活动。",
        },
        "position": 3,
    },
    {
        "slug": "tourism",
        "name": {"nl": "Toerisme", "en": "Tourism", "zh": "旅游"},
        "description": {
            "nl": (
                "Kempen~Broek en Limburg, het West Meer, de archeologische vindplaats "
                "Liangzhu en de theecultuur van Jingshan."
            ),
            "en": (
                "Kempen~Broek and Limburg, West Lake, the Liangzhu archaeological site and the tea culture of Jingshan."
            ),
            "zh": "肯彭布鲁克与林堡、西湖、良渚古城遗址以及径山茶文化。",
        },
        "position": 4,
    },
    {
        "slug": "education",
        "name": {"nl": "Onderwijs", "en": "Education", "zh": "教育"},
        "description": {
            "nl": "Uitwisselingen van leerlingen en docenten, taalcursussen en samenwerking tussen scholen.",
            "en": "Student and teacher exchanges, language courses and cooperation between schools.",
            "zh": "学生与教师交流、语言课程以及学校之间的合作。",
        },
        "position": 5,
    },
]

VENUES: dict[str, dict[str, Any]] = {
    "weert-city-hall": {
        "name": {"nl": "Stadhuis Weert", "en": "Weert City Hall", "zh": "韦尔特市政厅"},
        "city": "weert",
        "address": "Wilhelminasingel 101, 6001 GS Weert",
        "latitude": 51.2517,
        "longitude": 5.7069,
    },
    "museum-w": {
        "name": {"nl": "Museum W", "en": "Museum W", "zh": "W博物馆"},
        "city": "weert",
        "address": "Wilhelminasingel 100, 6001 GS Weert",
        "latitude": 51.252,
        "longitude": 5.708,
    },
    "sportpark-boshoven": {
        "name": {"nl": "Sportpark Boshoven", "en": "Boshoven Sports Park", "zh": "博斯霍文体育公园"},
        "city": "weert",
        "address": "Sportlaan 1, 6003 Weert",
        "latitude": 51.262,
        "longitude": 5.687,
    },
    "ijzeren-man": {
        "name": {
            "nl": "Bezoekerscentrum IJzeren Man (Kempen~Broek)",
            "en": "IJzeren Man Visitor Centre (Kempen~Broek)",
            "zh": "铁人湖游客中心（肯彭布鲁克）",
        },
        "city": "weert",
        "address": "Geurtsvenweg 4, 6006 SN Weert",
        "latitude": 51.241,
        "longitude": 5.721,
    },
    "weert-school": {
        "name": {"nl": "Scholengemeenschap Weert", "en": "Weert Secondary School", "zh": "韦尔特中学"},
        "city": "weert",
        "address": "Scholenlaan 10, 6004 Weert",
        "latitude": None,
        "longitude": None,
    },
    "dream-town": {
        "name": {
            "nl": "Dream Town (Future Sci-Tech City)",
            "en": "Dream Town (Future Sci-Tech City)",
            "zh": "梦想小镇（未来科技城）",
        },
        "city": "yuhang",
        "address": "浙江省杭州市余杭区仓前街道梦想小镇",
        "latitude": 30.290,
        "longitude": 120.005,
    },
    "liangzhu-museum": {
        "name": {"nl": "Liangzhu Museum", "en": "Liangzhu Museum", "zh": "良渚博物院"},
        "city": "yuhang",
        "address": "浙江省杭州市余杭区良渚街道美丽洲路1号",
        "latitude": 30.382,
        "longitude": 120.030,
    },
    "liangzhu-park": {
        "name": {
            "nl": "Archeologisch park Oude Stad van Liangzhu",
            "en": "Archaeological Ruins of Liangzhu City Park",
            "zh": "良渚古城遗址公园",
        },
        "city": "yuhang",
        "address": "浙江省杭州市余杭区瓶窑镇良渚古城遗址公园",
        "latitude": 30.396,
        "longitude": 120.000,
    },
    "jingshan": {
        "name": {
            "nl": "Jingshan-tempel en theetuinen",
            "en": "Jingshan Temple and tea gardens",
            "zh": "径山寺及径山茶园",
        },
        "city": "yuhang",
        "address": "浙江省杭州市余杭区径山镇径山村",
        "latitude": 30.400,
        "longitude": 119.780,
    },
}

_ALT_TRADE = {
    "nl": "Een Nederlandse skyline met trapgevels en een Chinese skyline met pagode, verbonden door een rode brug.",
    "en": "A Dutch skyline of gabled houses and a Chinese skyline with a pagoda, joined by a red bridge over water.",
    "zh": "荷兰阶梯山墙建筑与带宝塔的中国城市天际线，由一座横跨水面的红色桥梁相连。",
}

EVENTS: list[dict[str, Any]] = [
    {
        "key": "trade-mission-weert-to-yuhang",
        "slug": "trade-mission-weert-to-yuhang",
        "category": "economy",
        "city": "yuhang",
        "office": "weert",
        "venue": "dream-town",
        "online_url": None,
        "image": "trade-mission.svg",
        "when": {"weeks": 5, "weekday": 0, "days": 5},
        "all_day": True,
        "rrule": None,
        "skip": [],
        "capacity": 25,
        "registration": {"closes_days_before": 21},
        "status": "published",
        "texts": {
            "nl": {
                "title": "Handelsmissie Weert naar Yuhang",
                "summary": (
                    "Vijf dagen met Weerter ondernemers naar zusterstad Yuhang: bedrijfsbezoeken, matchmaking en "
                    "het Economisch Forum Yuhang–Weert in Future Sci-Tech City."
                ),
                "description": (
                    "De gemeente Weert organiseert samen met ondernemers uit de regio een handelsmissie naar Yuhang, "
                    "het district van Hangzhou waarmee Weert sinds 2013 een stedenband heeft. Op het programma staan "
                    "bezoeken aan bedrijven in de maakindustrie, logistiek en e-commerce.\n\n"
                    "De delegatie neemt deel aan het Economisch Forum Yuhang–Weert in Dream Town en voert "
                    "een-op-eengesprekken met Chinese partners. Daarbij presenteren we de regio Weert als "
                    "uitvalsbasis voor Chinese bedrijven die zich in Europa willen vestigen.\n\n"
                    "De missie is bedoeld voor bedrijven met concrete plannen voor export of samenwerking. Reis- en "
                    "verblijfkosten zijn voor eigen rekening; de gemeente zorgt voor het programma en de tolken."
                ),
                "image_alt": _ALT_TRADE["nl"],
                "cancellation_reason": "",
            },
            "en": {
                "title": "Weert trade mission to Yuhang",
                "summary": (
                    "Five days in sister city Yuhang with entrepreneurs from Weert: company visits, matchmaking and "
                    "the Yuhang–Weert Economic Forum in Future Sci-Tech City."
                ),
                "description": (
                    "The Municipality of Weert and businesses from the region travel to Yuhang, the Hangzhou district "
                    "that has been Weert's sister city since 2013. The programme includes visits to companies in "
                    "manufacturing, logistics and e-commerce.\n\n"
                    "The delegation takes part in the Yuhang–Weert Economic Forum in Dream Town and holds one-to-one "
                    "meetings with Chinese partners, presenting the Weert region as a base for Chinese companies "
                    "that want to establish themselves in Europe.\n\n"
                    "The mission is intended for companies with concrete plans for export or cooperation. Travel and "
                    "accommodation are at your own expense; the municipality provides the programme and interpreters."
                ),
                "image_alt": _ALT_TRADE["en"],
                "cancellation_reason": "",
            },
            "zh": {
                "title": "韦尔特经贸代表团访问余杭",
                "summary": (
                    "韦尔特企业代表团赴友好城市余杭开展为期五天的经贸交流，"
                    "包括企业参访、项目对接和在未来科技城举办的经济论坛。"
                ),
                "description": (
                    "韦尔特市政府携当地企业组团访问友好城市杭州市余杭区。两地自2013年正式缔结友好城市关系。"
                    "代表团将参观先进制造、现代物流和电子商务领域的企业。\n\n"
                    "代表团将出席在梦想小镇举办的余杭—韦尔特经济合作论坛，并与中方企业开展一对一洽谈，"
                    "介绍韦尔特地区作为中国企业进入欧洲市场的落脚点所具备的优势。\n\n"
                    "本次活动面向有明确出口或合作意向的企业。差旅及住宿费用自理，日程安排和翻译服务由韦尔特市政府负责。"
                ),
                "image_alt": _ALT_TRADE["zh"],
                "cancellation_reason": "",
            },
        },
    },
    {
        "key": "yuhang-weert-economic-forum",
        "slug": "yuhang-weert-economic-forum",
        "category": "economy",
        "city": "yuhang",
        "office": "yuhang",
        "venue": "dream-town",
        "online_url": None,
        "image": "trade-mission.svg",
        "when": {"weeks": 5, "weekday": 1, "time": "09:30", "hours": 4},
        "all_day": False,
        "rrule": None,
        "skip": [],
        "capacity": 150,
        "registration": {"closes_days_before": 7},
        "status": "published",
        "texts": {
            "nl": {
                "title": "Economisch Forum Yuhang–Weert in Dream Town",
                "summary": (
                    "Ondernemers en overheden uit Yuhang en Weert bespreken kansen in logistiek, slimme maakindustrie "
                    "en digitale handel."
                ),
                "description": (
                    "Tijdens de Weerter handelsmissie organiseert het district Yuhang een economisch forum in Dream "
                    "Town, het start-upkwartier van Future Sci-Tech City. Bestuurders van beide steden openen de "
                    "ochtend, waarna bedrijven hun ervaringen met Chinees-Nederlandse samenwerking delen.\n\n"
                    "In drie parallelle sessies staan logistiek naar Europa, slimme maakindustrie en "
                    "grensoverschrijdende e-commerce centraal. Het forum sluit af met een netwerklunch.\n\n"
                    "Er is simultaanvertaling Chinees–Engels. Aanmelden kan tot een week van tevoren."
                ),
                "image_alt": _ALT_TRADE["nl"],
                "cancellation_reason": "",
            },
            "en": {
                "title": "Yuhang–Weert Economic Forum at Dream Town",
                "summary": (
                    "Businesses and public officials from Yuhang and Weert discuss opportunities in logistics, smart "
                    "manufacturing and digital trade."
                ),
                "description": (
                    "During the Weert trade mission, Yuhang District hosts an economic forum in Dream Town, the "
                    "start-up quarter of Future Sci-Tech City. Leaders of both cities open the morning, after which "
                    "companies share their experience of Chinese-Dutch cooperation.\n\n"
                    "Three parallel sessions focus on logistics to Europe, smart manufacturing and cross-border "
                    "e-commerce. The forum ends with a networking lunch.\n\n"
                    "Simultaneous interpretation between Chinese and English is provided. Registration closes one week "
                    "before the forum."
                ),
                "image_alt": _ALT_TRADE["en"],
                "cancellation_reason": "",
            },
            "zh": {
                "title": "余杭—韦尔特经济合作论坛",
                "summary": (
                    "余杭与韦尔特两地政府和企业代表齐聚梦想小镇，共同探讨现代物流、智能制造和数字贸易领域的合作机遇。"
                ),
                "description": (
                    "韦尔特经贸代表团访问期间，余杭区在未来科技城梦想小镇举办经济合作论坛。"
                    "两地领导致辞后，企业代表将分享中荷合作的实践经验。\n\n"
                    "论坛设三个平行分论坛，分别聚焦面向欧洲的物流、智能制造和跨境电子商务，会后安排交流午餐。\n\n"
                    "论坛提供中英同声传译。报名截止时间为论坛开幕前一周。"
                ),
                "image_alt": _ALT_TRADE["zh"],
                "cancellation_reason": "",
            },
        },
    },
    {
        "key": "kempen-broek-promotion-yuhang",
        "slug": "kempen-broek-promotion-in-yuhang",
        "category": "tourism",
        "city": "yuhang",
        "office": "weert",
        "venue": "dream-town",
        "online_url": None,
        "image": "kempen-broek.svg",
        "when": {"weeks": 5, "weekday": 3, "time": "14:00", "hours": 2.5},
        "all_day": False,
        "rrule": None,
        "skip": [],
        "capacity": 60,
        "registration": None,
        "status": "published",
        "texts": {
            "nl": {
                "title": "Weert en Kempen~Broek gepresenteerd in Yuhang",
                "summary": (
                    "Een toeristische presentatie voor reisorganisaties en media in Hangzhou over Weert, "
                    "grensoverschrijdend natuurgebied Kempen~Broek en de rest van Limburg."
                ),
                "description": (
                    "Tijdens de handelsmissie stellen Weert en de partners van Kempen~Broek zich voor aan "
                    "reisorganisaties, reisbloggers en journalisten uit Hangzhou. Centraal staan de heide, vennen en "
                    "bossen van het Weerterbos en de IJzeren Man, de historische binnenstad en fietsen in Limburg.\n\n"
                    "Na de presentatie is er gelegenheid om afspraken te maken over groepsreizen en studiereizen. "
                    "Bezoekers proeven Limburgse vlaai en krijgen een Chinese brochure mee."
                ),
                "image_alt": (
                    "Heide met bloeiende struikhei, een ven met riet, dennenbomen, schapen en een windmolen."
                ),
                "cancellation_reason": "",
            },
            "en": {
                "title": "Weert and Kempen~Broek presented in Yuhang",
                "summary": (
                    "A tourism presentation for travel agencies and media in Hangzhou on Weert, the cross-border "
                    "Kempen~Broek nature area and the rest of Limburg."
                ),
                "description": (
                    "During the trade mission, Weert and the Kempen~Broek partners introduce themselves to travel "
                    "agencies, travel bloggers and journalists from Hangzhou. The focus is on the heath, fens and "
                    "woods of the Weerterbos and the IJzeren Man, the historic town centre and cycling in Limburg.\n\n"
                    "After the presentation there is time to arrange group and study tours. Visitors can taste "
                    "Limburg flan and take home a brochure in Chinese."
                ),
                "image_alt": "Heathland with flowering heather, a pond with reeds, pine trees, sheep and a windmill.",
                "cancellation_reason": "",
            },
            "zh": {
                "title": "韦尔特及肯彭布鲁克旅游推介会",
                "summary": (
                    "面向杭州旅行社和媒体的旅游推介会，介绍韦尔特、"
                    "跨境自然保护区肯彭布鲁克（Kempen~Broek）及林堡省的旅游资源。"
                ),
                "description": (
                    "经贸代表团访问期间，韦尔特市及肯彭布鲁克自然保护区的合作伙伴将向杭州的旅行社、旅游博主和记者"
                    "进行推介，重点介绍韦尔特森林与铁人湖一带的石楠荒原、"
                    "湖沼和林地，以及历史悠久的老城区和林堡骑行路线。\n\n"
                    "推介会后，参会者可洽谈团队游和研学游事宜。现场提供林堡特色水果馅饼品尝，并发放中文旅游手册。"
                ),
                "image_alt": "开满石楠花的荒原、长着芦苇的池塘、松树、羊群和一座风车。",
                "cancellation_reason": "",
            },
        },
    },
    {
        "key": "yuhang-business-delegation-weert",
        "slug": "yuhang-business-delegation-visits-weert",
        "category": "economy",
        "city": "weert",
        "office": "yuhang",
        "venue": "weert-city-hall",
        "online_url": None,
        "image": "trade-mission.svg",
        "when": {"weeks": 9, "weekday": 2, "time": "10:00", "hours": 6},
        "all_day": False,
        "rrule": None,
        "skip": [],
        "capacity": 40,
        "registration": {"closes_days_before": 10},
        "status": "published",
        "texts": {
            "nl": {
                "title": "Bedrijvendelegatie uit Yuhang bezoekt Weert",
                "summary": (
                    "Ondernemers uit Yuhang maken kennis met het Weerter bedrijfsleven en de "
                    "regio als vestigingsplaats "
                    "voor Chinese bedrijven in Europa."
                ),
                "description": (
                    "Een delegatie van ongeveer twintig bedrijven uit Yuhang bezoekt Weert. De dag begint met een "
                    "ontvangst in het stadhuis en een presentatie over de ligging van de regio tussen Eindhoven, "
                    "Antwerpen en het Ruhrgebied.\n\n"
                    "Daarna volgen bezoeken aan bedrijventerreinen en gesprekken met Weerter ondernemers uit de "
                    "logistiek, de maakindustrie en de agrofood. Weerter bedrijven die willen aanschuiven bij de "
                    "gesprekken kunnen zich aanmelden; het aantal plaatsen is beperkt."
                ),
                "image_alt": _ALT_TRADE["nl"],
                "cancellation_reason": "",
            },
            "en": {
                "title": "Yuhang business delegation visits Weert",
                "summary": (
                    "Entrepreneurs from Yuhang meet businesses in Weert and explore the region as a location for "
                    "Chinese companies in Europe."
                ),
                "description": (
                    "A delegation of some twenty companies from Yuhang visits Weert. The day starts with a reception "
                    "at City Hall and a presentation on the region's location between Eindhoven, Antwerp and the "
                    "Ruhr area.\n\n"
                    "This is followed by visits to business parks and meetings with Weert companies in logistics, "
                    "manufacturing and agrifood. Local businesses that would like to join the meetings can register; "
                    "places are limited."
                ),
                "image_alt": _ALT_TRADE["en"],
                "cancellation_reason": "",
            },
            "zh": {
                "title": "余杭企业代表团访问韦尔特",
                "summary": "余杭企业家赴韦尔特考察，与当地企业交流，了解该地区作为中国企业拓展欧洲市场基地的投资环境。",
                "description": (
                    "由约二十家余杭企业组成的代表团将访问韦尔特。当天首先在市政厅举行欢迎仪式，"
                    "并介绍韦尔特地处埃因霍温、安特卫普和鲁尔区之间的区位优势。\n\n"
                    "随后，代表团将参观产业园区，并与韦尔特物流、制造和农业食品领域的企业座谈。"
                    "有意参加洽谈的韦尔特企业可报名，名额有限。"
                ),
                "image_alt": _ALT_TRADE["zh"],
                "cancellation_reason": "",
            },
        },
    },
    {
        "key": "company-matchmaking-hybrid",
        "slug": "company-matchmaking-weert-yuhang-hybrid",
        "category": "economy",
        "city": "weert",
        "office": "weert",
        "venue": "weert-city-hall",
        "online_url": "https://meet.example/stedenband-matchmaking-7k3p",
        "image": "trade-mission.svg",
        "when": {"weeks": 3, "weekday": 3, "time": "10:00", "hours": 3},
        "all_day": False,
        "rrule": None,
        "skip": [],
        "capacity": 30,
        "registration": {"closes_days_before": 3},
        "status": "published",
        "texts": {
            "nl": {
                "title": "Matchmaking Weert–Yuhang (hybride)",
                "summary": (
                    "Korte, voorbereide gesprekken tussen bedrijven uit Weert en Yuhang: in het stadhuis of online. "
                    "Om 10.00 uur in Weert is het 's middags in Hangzhou."
                ),
                "description": (
                    "Zoekt u een leverancier, distributeur of technologiepartner in China? Tijdens deze hybride "
                    "matchmakingsessie voert u gesprekken van twintig minuten met vooraf geselecteerde bedrijven uit "
                    "Yuhang. Een tolk Chinees–Nederlands is aanwezig.\n\n"
                    "Geef bij uw aanmelding aan welk soort partner u zoekt, dan stellen wij een persoonlijk schema "
                    "op. Deelnemers op afstand ontvangen de link naar de online omgeving per e-mail."
                ),
                "image_alt": _ALT_TRADE["nl"],
                "cancellation_reason": "",
            },
            "en": {
                "title": "Weert–Yuhang company matchmaking (hybrid)",
                "summary": (
                    "Short, prepared meetings between companies from Weert and Yuhang, at City Hall or online. "
                    "10:00 in Weert is afternoon in Hangzhou."
                ),
                "description": (
                    "Looking for a supplier, distributor or technology partner in China? In this hybrid matchmaking "
                    "session you hold twenty-minute meetings with preselected companies from Yuhang. An interpreter "
                    "is on hand.\n\n"
                    "Tell us when you register what kind of partner you are looking for and we will draw up a "
                    "personal schedule. Remote participants receive the link to the online room by e-mail."
                ),
                "image_alt": _ALT_TRADE["en"],
                "cancellation_reason": "",
            },
            "zh": {
                "title": "韦尔特—余杭企业对接会（线上线下结合）",
                "summary": (
                    "韦尔特与余杭企业一对一洽谈，可在韦尔特市政厅现场参加，也可在线参与。韦尔特上午十点即杭州下午。"
                ),
                "description": (
                    "正在寻找欧洲的供应商、经销商或技术合作伙伴吗？本次线上线下结合的对接会为余杭企业与经过筛选的"
                    "韦尔特企业安排每场二十分钟的洽谈，现场配有翻译。\n\n"
                    "报名时请注明希望对接的合作伙伴类型，我们将为您安排个性化日程。"
                    "线上参会者将通过电子邮件收到会议链接。"
                ),
                "image_alt": _ALT_TRADE["zh"],
                "cancellation_reason": "",
            },
        },
    },
    {
        "key": "yuhang-investment-seminar-europe",
        "slug": "seminar-weert-region-base-for-europe",
        "category": "economy",
        "city": "yuhang",
        "office": "yuhang",
        "venue": "dream-town",
        "online_url": None,
        "image": "trade-mission.svg",
        "when": {"weeks": -60, "weekday": 3, "time": "14:00", "hours": 3},
        "all_day": False,
        "rrule": None,
        "skip": [],
        "capacity": 80,
        "registration": None,
        "status": "published",
        "texts": {
            "nl": {
                "title": "Seminar: de regio Weert als uitvalsbasis voor Europa",
                "summary": (
                    "Voorlichting in Yuhang voor Chinese bedrijven die een Europese vestiging overwegen, met "
                    "ervaringen van bedrijven die al in de regio Weert zitten."
                ),
                "description": (
                    "Het district Yuhang en de gemeente Weert informeerden Chinese ondernemers over vestigen in "
                    "Nederland: vergunningen, personeel, logistiek en de rol van de stedenband als aanspreekpunt.\n\n"
                    "Twee Chinese bedrijven die hun Europese hoofdkantoor of magazijn in de regio Weert hebben, "
                    "vertelden over hun eerste jaren. Na afloop waren er individuele gesprekken met de gemeente."
                ),
                "image_alt": _ALT_TRADE["nl"],
                "cancellation_reason": "",
            },
            "en": {
                "title": "Seminar: the Weert region as a base for Europe",
                "summary": (
                    "An information session in Yuhang for Chinese companies considering a European branch, with "
                    "experiences from companies already established in the Weert region."
                ),
                "description": (
                    "Yuhang District and the Municipality of Weert briefed Chinese entrepreneurs on setting up in the "
                    "Netherlands: permits, staff, logistics and the twinning as a point of contact.\n\n"
                    "Two Chinese companies with their European headquarters or warehouse in the Weert region shared "
                    "their first years. Afterwards there were individual meetings with the municipality."
                ),
                "image_alt": _ALT_TRADE["en"],
                "cancellation_reason": "",
            },
            "zh": {
                "title": "以韦尔特为基地拓展欧洲市场专题说明会",
                "summary": "面向有意在欧洲设立分支机构的余杭企业举办说明会，已落户韦尔特地区的中国企业现场分享经验。",
                "description": (
                    "余杭区与韦尔特市政府联合向中国企业介绍在荷兰投资设厂的相关事项，包括审批许可、人员招聘、"
                    "物流安排，以及友好城市关系在其中发挥的联络作用。\n\n"
                    "两家已在韦尔特地区设立欧洲总部或仓储中心的中国企业分享了落地初期的经验。"
                    "会后，企业与韦尔特市政府进行了一对一交流。"
                ),
                "image_alt": _ALT_TRADE["zh"],
                "cancellation_reason": "",
            },
        },
    },
    {
        "key": "twinning-anniversary-reception",
        "slug": "reception-anniversary-twinning-agreement",
        "category": "culture",
        "city": "weert",
        "office": "weert",
        "venue": "weert-city-hall",
        "online_url": None,
        "image": "trade-mission.svg",
        "when": {"weeks": -30, "weekday": 4, "time": "16:00", "hours": 2},
        "all_day": False,
        "rrule": None,
        "skip": [],
        "capacity": 80,
        "registration": {"closes_days_before": 5},
        "status": "published",
        "texts": {
            "nl": {
                "title": "Receptie: verjaardag van de stedenbandovereenkomst Weert–Yuhang",
                "summary": (
                    "In het stadhuis vierden we de verjaardag van de overeenkomst die Weert en Yuhang in maart 2013 "
                    "sloten, met gasten uit onderwijs, cultuur en bedrijfsleven."
                ),
                "description": (
                    "Sinds de eerste officiële contacten in oktober 2009 is de band tussen Weert en Yuhang gegroeid. "
                    "In maart 2013 werd de stedenband bezegeld en in 2018 met vijf jaar verlengd. Met deze receptie "
                    "stonden we stil bij wat er in die jaren is bereikt.\n\n"
                    "De burgemeester en een vertegenwoordiger van het district Yuhang, die via een videoboodschap "
                    "sprak, blikten vooruit op nieuwe projecten. Leerlingen van de Chinese taalcursus verzorgden een "
                    "kort optreden en er was Chinese thee uit Jingshan."
                ),
                "image_alt": _ALT_TRADE["nl"],
                "cancellation_reason": "",
            },
            "en": {
                "title": "Reception: anniversary of the Weert–Yuhang twinning agreement",
                "summary": (
                    "At City Hall we celebrated the anniversary of the agreement Weert and Yuhang signed in March "
                    "2013, with guests from education, culture and business."
                ),
                "description": (
                    "Since the first official contacts in October 2009, the ties between Weert and Yuhang have grown. "
                    "The twinning was sealed in March 2013 and extended by five years in 2018. This reception marked "
                    "what has been achieved in those years.\n\n"
                    "The mayor and a representative of Yuhang District, speaking by video message, looked ahead to new "
                    "projects. Students of the Chinese language course gave a short performance, and Jingshan tea "
                    "was served."
                ),
                "image_alt": _ALT_TRADE["en"],
                "cancellation_reason": "",
            },
            "zh": {
                "title": "韦尔特—余杭缔结友好城市协议周年招待会",
                "summary": (
                    "韦尔特市政厅举行招待会，纪念两地于2013年3月签署友好城市协议，教育、文化和企业界嘉宾应邀出席。"
                ),
                "description": (
                    "自2009年10月建立正式联系以来，韦尔特与余杭的交往日益密切。两地于2013年3月正式缔结友好城市关系，"
                    "并于2018年续签五年。本次招待会回顾了多年来的合作成果。\n\n"
                    "韦尔特市长致辞，余杭区代表通过视频发表讲话，共同展望新的合作项目。"
                    "中文课程学员进行了简短表演，现场还为来宾奉上了径山茶。"
                ),
                "image_alt": _ALT_TRADE["zh"],
                "cancellation_reason": "",
            },
        },
    },
    {
        "key": "yuhang-ink-painting-museum-w",
        "slug": "exhibition-yuhang-ink-painting-museum-w",
        "category": "culture",
        "city": "weert",
        "office": "yuhang",
        "venue": "museum-w",
        "online_url": None,
        "image": "art-exchange.svg",
        "when": {"weeks": 7, "weekday": 5, "time": "15:00", "hours": 2},
        "all_day": False,
        "rrule": None,
        "skip": [],
        "capacity": 120,
        "registration": None,
        "status": "published",
        "texts": {
            "nl": {
                "title": "Opening tentoonstelling: inktschilderkunst uit Yuhang in Museum W",
                "summary": (
                    "Museum W toont landschappen en kalligrafie van kunstenaars uit Yuhang, naast werk van Weerter "
                    "kunstenaars dat in Yuhang is ontstaan."
                ),
                "description": (
                    "Deze tentoonstelling is het resultaat van het kunstuitwisselingsproject tussen Weert en Yuhang. "
                    "Kunstenaars uit Yuhang laten traditionele inktschilderingen zien van de bergen van Jingshan, "
                    "de rivieren rond Liangzhu en het West Meer, op hangrollen en albumbladen.\n\n"
                    "Tijdens de opening geeft een van de kunstenaars een korte demonstratie met penseel en inkt. "
                    "De tentoonstelling is daarna zes weken te zien tijdens de gewone openingstijden van het museum."
                ),
                "image_alt": (
                    "Een museumwand met een hangrol met een landschap in inkt naast een "
                    "Nederlands stilleven met tulpen."
                ),
                "cancellation_reason": "",
            },
            "en": {
                "title": "Exhibition opening: ink painting from Yuhang at Museum W",
                "summary": (
                    "Museum W shows landscapes and calligraphy by artists from Yuhang, alongside work by Weert artists "
                    "created during their stay in Yuhang."
                ),
                "description": (
                    "This exhibition is the result of the art exchange project between Weert and Yuhang. Artists from "
                    "Yuhang show traditional ink paintings of the Jingshan mountains, the rivers around Liangzhu and "
                    "West Lake, on hanging scrolls and album leaves.\n\n"
                    "At the opening, one of the artists gives a short demonstration with brush and ink. The exhibition "
                    "then runs for six weeks during the museum's regular opening hours."
                ),
                "image_alt": (
                    "A gallery wall with an ink-landscape hanging scroll next to a Dutch still life of tulips."
                ),
                "cancellation_reason": "",
            },
            "zh": {
                "title": "余杭水墨画展在韦尔特W博物馆开幕",
                "summary": "W博物馆展出余杭艺术家的山水画和书法作品，同时展出韦尔特艺术家在余杭交流期间创作的作品。",
                "description": (
                    "本次展览是韦尔特与余杭艺术交流项目的成果。余杭艺术家以立轴和册页形式，"
                    "描绘径山群峰、良渚水乡和西湖风光，展现传统水墨画的魅力。\n\n"
                    "开幕式上，一位参展艺术家将现场演示笔墨技法。展览开幕后持续六周，观众可在博物馆正常开放时间参观。"
                ),
                "image_alt": "展厅墙上挂着一幅水墨山水立轴，旁边是一幅描绘郁金香的荷兰静物画。",
                "cancellation_reason": "",
            },
        },
    },
    {
        "key": "weert-artists-liangzhu-workshop",
        "slug": "art-exchange-weert-artists-at-liangzhu-museum",
        "category": "culture",
        "city": "yuhang",
        "office": "weert",
        "venue": "liangzhu-museum",
        "online_url": None,
        "image": "art-exchange.svg",
        "when": {"weeks": -10, "weekday": 2, "time": "09:30", "hours": 6},
        "all_day": False,
        "rrule": None,
        "skip": [],
        "capacity": 16,
        "registration": None,
        "status": "published",
        "texts": {
            "nl": {
                "title": "Kunstuitwisseling: Weerter kunstenaars in het Liangzhu Museum",
                "summary": (
                    "Drie kunstenaars uit Weert werkten een dag samen met schilders uit Yuhang, geïnspireerd door de "
                    "jade en de vormen van de Liangzhu-cultuur."
                ),
                "description": (
                    "In het kader van de kunstuitwisseling verbleven drie Weerter kunstenaars twee weken in Yuhang. "
                    "In het Liangzhu Museum bestudeerden zij jadevoorwerpen van meer dan vijfduizend jaar oud en "
                    "maakten zij samen met lokale inktschilders schetsen en nieuw werk.\n\n"
                    "Het werk van deze dag is binnenkort te zien in Museum W in Weert, samen met de "
                    "inktschilderingen uit Yuhang."
                ),
                "image_alt": (
                    "Een museumwand met een hangrol met een landschap in inkt naast een "
                    "Nederlands stilleven met tulpen."
                ),
                "cancellation_reason": "",
            },
            "en": {
                "title": "Art exchange: Weert artists at the Liangzhu Museum",
                "summary": (
                    "Three artists from Weert spent a day working with painters from Yuhang, inspired by the jade and "
                    "forms of the Liangzhu culture."
                ),
                "description": (
                    "As part of the art exchange, three artists from Weert stayed in Yuhang for two weeks. At the "
                    "Liangzhu Museum they studied jade objects more than five thousand years old and made sketches and "
                    "new work together with local ink painters.\n\n"
                    "The work from this day will soon be shown at Museum W in Weert, together "
                    "with the ink paintings from "
                    "Yuhang."
                ),
                "image_alt": (
                    "A gallery wall with an ink-landscape hanging scroll next to a Dutch still life of tulips."
                ),
                "cancellation_reason": "",
            },
            "zh": {
                "title": "艺术交流：韦尔特艺术家走进良渚博物院",
                "summary": "三位韦尔特艺术家与余杭画家在良渚博物院共同创作，从良渚玉器和文化纹饰中汲取灵感。",
                "description": (
                    "作为艺术交流项目的一部分，三位韦尔特艺术家在余杭进行了为期两周的驻留创作。"
                    "他们在良渚博物院观摩了距今五千多年的玉器，并与当地水墨画家一起写生、创作。\n\n"
                    "此次创作的作品近期将与余杭水墨画一同在韦尔特W博物馆展出。"
                ),
                "image_alt": "展厅墙上挂着一幅水墨山水立轴，旁边是一幅描绘郁金香的荷兰静物画。",
                "cancellation_reason": "",
            },
        },
    },
    {
        "key": "mid-autumn-evening-weert",
        "slug": "mid-autumn-lantern-evening-weert",
        "category": "culture",
        "city": "weert",
        "office": "weert",
        "venue": "museum-w",
        "online_url": None,
        "image": "lantern.svg",
        "when": {"weeks": 14, "weekday": 5, "time": "19:00", "hours": 3},
        "all_day": False,
        "rrule": None,
        "skip": [],
        "capacity": 150,
        "registration": None,
        "status": "published",
        "texts": {
            "nl": {
                "title": "Midherfstavond met lampionnen in Weert",
                "summary": (
                    "Vier het Chinese Midherfstfeest met lampionnen, maancakes, muziek en raadsels bij volle maan, "
                    "samen met de Chinese gemeenschap in Weert."
                ),
                "description": (
                    "Het Midherfstfeest is in China een feest van familie en samenzijn onder de volle maan. "
                    "Op deze avond hangen rode lampionnen rond Museum W en vertellen we over de legende van Chang'e, "
                    "de godin van de maan.\n\n"
                    "Kinderen kunnen een eigen lampion knutselen en lampionraadsels oplossen. Er is live muziek op "
                    "de guzheng en u proeft maancakes en thee uit Yuhang. Toegang is gratis."
                ),
                "image_alt": "Rode Chinese lampionnen aan een koord onder een nachtelijke hemel met een volle maan.",
                "cancellation_reason": "",
            },
            "en": {
                "title": "Mid-Autumn lantern evening in Weert",
                "summary": (
                    "Celebrate the Chinese Mid-Autumn Festival with lanterns, mooncakes, music and riddles under the "
                    "full moon, together with Weert's Chinese community."
                ),
                "description": (
                    "In China, the Mid-Autumn Festival is a celebration of family and togetherness under the full "
                    "moon. On this evening red lanterns hang around Museum W and we tell the legend of Chang'e, the "
                    "moon goddess.\n\n"
                    "Children can make their own lantern and solve lantern riddles. There is live guzheng music, and "
                    "you can taste mooncakes and tea from Yuhang. Admission is free."
                ),
                "image_alt": "Red Chinese lanterns on a string under a night sky with a full moon.",
                "cancellation_reason": "",
            },
            "zh": {
                "title": "韦尔特中秋赏灯晚会",
                "summary": "与韦尔特华人社区一起欢度中秋佳节：挂灯笼、品月饼、赏音乐、猜灯谜，共赏一轮明月。",
                "description": (
                    "中秋节是中国人阖家团圆、共赏明月的传统节日。当晚，W博物馆周围将挂起红灯笼，"
                    "我们还将为荷兰朋友讲述嫦娥奔月的传说。\n\n"
                    "孩子们可以亲手制作灯笼、猜灯谜。现场有古筝演奏，并提供月饼和来自余杭的茶。活动免费入场。"
                ),
                "image_alt": "夜空中一轮满月，下面挂着一串红色中国灯笼。",
                "cancellation_reason": "",
            },
        },
    },
    {
        "key": "west-lake-lecture-weert",
        "slug": "lecture-hangzhou-west-lake-weert",
        "category": "tourism",
        "city": "weert",
        "office": "weert",
        "venue": "museum-w",
        "online_url": None,
        "image": "west-lake.svg",
        "when": {"weeks": 4, "weekday": 3, "time": "19:30", "hours": 1.5},
        "all_day": False,
        "rrule": None,
        "skip": [],
        "capacity": 90,
        "registration": None,
        "status": "published",
        "texts": {
            "nl": {
                "title": "Lezing: Hangzhou, het West Meer en onze zusterstad Yuhang",
                "summary": (
                    "Een avondlezing met beelden over het West Meer, de Liangzhu-vindplaats en de theeheuvels van "
                    "Jingshan, met praktische tips voor een reis naar Hangzhou."
                ),
                "description": (
                    "Het West Meer in Hangzhou staat sinds 2011 op de Werelderfgoedlijst van UNESCO en inspireert al "
                    "eeuwen dichters en schilders. In deze lezing maakt u kennis met het meer, de dijken en pagodes, "
                    "en met Yuhang, het district waarmee Weert een stedenband heeft.\n\n"
                    "De spreker, een reisdeskundige met jarenlange ervaring in China, geeft ook tips over visum, "
                    "vervoer en de beste reisperiode. Na afloop is er gelegenheid om vragen te stellen."
                ),
                "image_alt": (
                    "Het West Meer bij zonsondergang met een rode pagode op een heuvel, wilgentakken en een "
                    "overdekte boot."
                ),
                "cancellation_reason": "",
            },
            "en": {
                "title": "Lecture: Hangzhou, West Lake and our sister city Yuhang",
                "summary": (
                    "An illustrated evening lecture on West Lake, the Liangzhu site and the "
                    "tea hills of Jingshan, with "
                    "practical tips for a trip to Hangzhou."
                ),
                "description": (
                    "West Lake in Hangzhou has been a UNESCO World Heritage Site since 2011 and has inspired poets and "
                    "painters for centuries. This lecture introduces the lake, its causeways and pagodas, and Yuhang, "
                    "the district twinned with Weert.\n\n"
                    "The speaker, a travel expert with many years of experience in China, also shares tips on visas, "
                    "transport and the best time to travel. There is time for questions afterwards."
                ),
                "image_alt": ("West Lake at sunset with a red pagoda on a hill, willow branches and a canopied boat."),
                "cancellation_reason": "",
            },
            "zh": {
                "title": "讲座：杭州西湖与友好城市余杭",
                "summary": "图文并茂的晚间讲座，介绍西湖、良渚古城遗址和径山茶山，并为前往杭州旅游的市民提供实用建议。",
                "description": (
                    "杭州西湖于2011年列入联合国教科文组织《世界遗产名录》，千百年来为无数诗人和画家带来灵感。"
                    "讲座将介绍西湖的湖堤与宝塔，以及与韦尔特结为友好城市的余杭区。\n\n"
                    "主讲人是一位在中国旅游领域有多年经验的专家，还将就签证、"
                    "交通和最佳出行季节提供建议。讲座后设有问答环节。"
                ),
                "image_alt": "夕阳下的西湖，山上有一座红色宝塔，柳枝低垂，湖面上有一艘带篷的游船。",
                "cancellation_reason": "",
            },
        },
    },
    {
        "key": "table-tennis-clinic-weert",
        "slug": "table-tennis-clinic-yuhang-coaches-weert",
        "category": "sport",
        "city": "weert",
        "office": "yuhang",
        "venue": "sportpark-boshoven",
        "online_url": None,
        "image": "sport-exchange.svg",
        "when": {"weeks": -2, "weekday": 5, "time": "10:00", "hours": 3},
        "all_day": False,
        "rrule": None,
        "skip": [],
        "capacity": 20,
        "registration": None,
        "status": "published",
        "texts": {
            "nl": {
                "title": "Tafeltennisclinic door trainers uit Yuhang",
                "summary": (
                    "Twee tafeltennistrainers uit Yuhang gaven jeugdspelers uit Weert een ochtend les in service, "
                    "voetenwerk en topspin."
                ),
                "description": (
                    "Tafeltennis is in China een volkssport. Twee ervaren trainers van een sportschool in Yuhang "
                    "kwamen naar Weert en werkten in de sporthal met jeugdleden van Weerter "
                    "tafeltennisverenigingen.\n\n"
                    "Na de oefeningen speelden de trainers een demonstratiewedstrijd en namen ze het op tegen de "
                    "eigen trainers van de clubs. De clinic was snel volgeboekt; een vervolg staat op de planning."
                ),
                "image_alt": "Een wielrenner op een racefiets en een voetbal met doel op groene heuvels.",
                "cancellation_reason": "",
            },
            "en": {
                "title": "Table tennis clinic by coaches from Yuhang",
                "summary": (
                    "Two table tennis coaches from Yuhang gave young players from Weert a morning of training in "
                    "serves, footwork and topspin."
                ),
                "description": (
                    "Table tennis is a national sport in China. Two experienced coaches from a sports school in Yuhang "
                    "came to Weert and worked in the sports hall with young members of local table tennis clubs.\n\n"
                    "After the drills the coaches played an exhibition match and took on the clubs' own trainers. "
                    "The clinic was fully booked within days, and a follow-up is being planned."
                ),
                "image_alt": "A cyclist on a road bike, and a football and goal on green hills.",
                "cancellation_reason": "",
            },
            "zh": {
                "title": "余杭乒乓球教练韦尔特训练营",
                "summary": "两位余杭乒乓球教练为韦尔特青少年球员开设了一上午的训练课，内容包括发球、步法和弧圈球技术。",
                "description": (
                    "乒乓球是中国的“国球”。两位来自余杭体校的资深教练来到韦尔特，"
                    "在体育馆为当地乒乓球俱乐部的青少年会员授课。\n\n"
                    "训练结束后，两位教练进行了表演赛，并与俱乐部教练切磋球技。训练营名额很快报满，后续活动正在筹划中。"
                ),
                "image_alt": "一位骑公路自行车的骑手，以及绿色山坡上的足球和球门。",
                "cancellation_reason": "",
            },
        },
    },
    {
        "key": "youth-football-exchange-tournament",
        "slug": "youth-football-exchange-tournament-weert",
        "category": "sport",
        "city": "weert",
        "office": "weert",
        "venue": "sportpark-boshoven",
        "online_url": None,
        "image": "sport-exchange.svg",
        "when": {"weeks": 12, "weekday": 5, "time": "09:30", "hours": 7},
        "all_day": False,
        "rrule": None,
        "skip": [],
        "capacity": 120,
        "registration": {"closes_days_before": 14},
        "status": "published",
        "texts": {
            "nl": {
                "title": "Jeugdvoetbaltoernooi Weert–Yuhang",
                "summary": (
                    "Een onder-13-team uit Yuhang speelt een dag lang tegen jeugdteams van Weerter voetbalclubs op "
                    "Sportpark Boshoven."
                ),
                "description": (
                    "Voor de sportuitwisseling komt een jeugdvoetbalteam uit Yuhang naar Weert. Op Sportpark Boshoven "
                    "spelen acht teams onder 13 jaar een toernooi in gemengde poules, zodat Chinese en Nederlandse "
                    "spelers elkaar ook op het veld leren kennen.\n\n"
                    "Tussen de wedstrijden door is er een gezamenlijke lunch en een penaltybokaal voor ouders. "
                    "Clubs kunnen een team aanmelden tot twee weken van tevoren; publiek is van harte welkom."
                ),
                "image_alt": "Een wielrenner op een racefiets en een voetbal met doel op groene heuvels.",
                "cancellation_reason": "",
            },
            "en": {
                "title": "Weert–Yuhang youth football tournament",
                "summary": (
                    "An under-13 team from Yuhang spends a day playing youth teams from Weert football clubs at "
                    "Boshoven Sports Park."
                ),
                "description": (
                    "As part of the sports exchange, a youth football team from Yuhang comes to Weert. At Boshoven "
                    "Sports Park, eight under-13 teams play a tournament in mixed groups, so that Chinese and Dutch "
                    "players also get to know each other on the pitch.\n\n"
                    "Between matches there is a shared lunch and a penalty contest for parents. Clubs can enter a "
                    "team up to two weeks beforehand; spectators are very welcome."
                ),
                "image_alt": "A cyclist on a road bike, and a football and goal on green hills.",
                "cancellation_reason": "",
            },
            "zh": {
                "title": "韦尔特—余杭青少年足球友谊赛",
                "summary": "余杭U13少年足球队来到韦尔特博斯霍文体育公园，与当地俱乐部青少年球队进行一天的友谊比赛。",
                "description": (
                    "作为体育交流项目的一部分，余杭青少年足球队将访问韦尔特。八支U13球队将在博斯霍文体育公园"
                    "进行混合分组比赛，让中荷小球员在赛场上增进了解。\n\n"
                    "比赛间隙安排集体午餐，还有家长点球大赛。俱乐部可在赛前两周报名参赛，欢迎观众到场助威。"
                ),
                "image_alt": "一位骑公路自行车的骑手，以及绿色山坡上的足球和球门。",
                "cancellation_reason": "",
            },
        },
    },
    {
        "key": "dragon-boat-race-ijzeren-man",
        "slug": "dragon-boat-race-ijzeren-man",
        "category": "sport",
        "city": "weert",
        "office": "weert",
        "venue": "ijzeren-man",
        "online_url": None,
        "image": "sport-exchange.svg",
        "when": {"weeks": 11, "weekday": 6, "time": "11:00", "hours": 5},
        "all_day": False,
        "rrule": None,
        "skip": [],
        "capacity": None,
        "registration": None,
        "status": "cancelled",
        "texts": {
            "nl": {
                "title": "Drakenbootrace op de IJzeren Man",
                "summary": (
                    "Teams van Weerter verenigingen en bedrijven peddelen in Chinese drakenboten over de IJzeren Man, "
                    "met trommels, muziek en eten uit Yuhang."
                ),
                "description": (
                    "De drakenbootrace is een eeuwenoude Chinese traditie. Op de IJzeren Man strijden teams van "
                    "twaalf peddelaars en een trommelaar tegen elkaar over een baan van tweehonderd meter.\n\n"
                    "Langs de oever zijn er workshops kalligrafie, proeverijen van zongzi (rijstpakketjes) en "
                    "optredens. Toeschouwers kunnen gratis komen kijken."
                ),
                "image_alt": "Een wielrenner op een racefiets en een voetbal met doel op groene heuvels.",
                "cancellation_reason": (
                    "Helaas gaat de drakenbootrace niet door: door blauwalg in de IJzeren Man geldt een verbod op "
                    "watersport. Onze excuses voor het ongemak; we laten zo snel mogelijk weten wanneer de race "
                    "alsnog plaatsvindt."
                ),
            },
            "en": {
                "title": "Dragon boat race on the IJzeren Man lake",
                "summary": (
                    "Teams from Weert clubs and companies paddle Chinese dragon boats across the IJzeren Man lake, "
                    "with drums, music and food from Yuhang."
                ),
                "description": (
                    "Dragon boat racing is a centuries-old Chinese tradition. On the IJzeren Man lake, teams of twelve "
                    "paddlers and a drummer race each other over a two-hundred-metre course.\n\n"
                    "On the shore there are calligraphy workshops, tastings of zongzi (sticky rice parcels) and "
                    "performances. Spectators are welcome free of charge."
                ),
                "image_alt": "A cyclist on a road bike, and a football and goal on green hills.",
                "cancellation_reason": (
                    "Unfortunately the dragon boat race cannot go ahead: blue-green algae in the IJzeren Man lake have "
                    "led to a ban on water sports. We apologise for the inconvenience and will announce a new date as "
                    "soon as possible."
                ),
            },
            "zh": {
                "title": "铁人湖龙舟赛",
                "summary": "韦尔特各协会和企业组队，在铁人湖上划起中国龙舟，现场有锣鼓、音乐和余杭风味美食。",
                "description": (
                    "赛龙舟是中国流传千年的传统习俗。在铁人湖上，"
                    "每队由十二名桨手和一名鼓手组成，在两百米赛道上同场竞技。\n\n"
                    "湖岸边还设有书法体验、粽子品尝和文艺表演。观众可免费入场观赛。"
                ),
                "image_alt": "一位骑公路自行车的骑手，以及绿色山坡上的足球和球门。",
                "cancellation_reason": (
                    "很抱歉，因铁人湖出现蓝藻，湖面已暂停一切水上运动，本次龙舟赛无法如期举行。"
                    "由此带来的不便，敬请谅解。新的比赛日期确定后我们将尽快通知。"
                ),
            },
        },
    },
    {
        "key": "cycling-tour-kempen-broek",
        "slug": "cycling-tour-kempen-broek",
        "category": "sport",
        "city": "weert",
        "office": "weert",
        "venue": "ijzeren-man",
        "online_url": None,
        "image": "sport-exchange.svg",
        "when": {"weeks": 16, "weekday": 6, "time": "10:00", "hours": 4},
        "all_day": False,
        "rrule": None,
        "skip": [],
        "capacity": None,
        "registration": None,
        "status": "published",
        "texts": {
            "nl": {
                "title": "Stedenbandfietstocht door Kempen~Broek",
                "summary": (
                    "Een tocht van 45 kilometer door het Weerterbos, de Laurabossen en het grensgebied, samen met "
                    "wielrenners uit Yuhang."
                ),
                "description": (
                    "Een groep fietsers uit Yuhang is te gast in Weert en rijdt mee met deze "
                    "open stedenbandfietstocht. "
                    "De route voert over vlakke, goed bewegwijzerde fietspaden door heide, vennen en bossen van "
                    "Kempen~Broek, met een korte uitstap over de grens naar België.\n\n"
                    "Halverwege is er een koffiestop met Limburgse vlaai. Iedereen kan meefietsen, op eigen risico; "
                    "aanmelden is niet nodig. Start en finish bij het bezoekerscentrum aan de IJzeren Man."
                ),
                "image_alt": "Een wielrenner op een racefiets en een voetbal met doel op groene heuvels.",
                "cancellation_reason": "",
            },
            "en": {
                "title": "Twinning cycling tour through Kempen~Broek",
                "summary": (
                    "A 45-kilometre ride through the Weerterbos, the Laura woods and the border area, together with "
                    "cyclists from Yuhang."
                ),
                "description": (
                    "A group of cyclists from Yuhang is visiting Weert and joins this open twinning ride. The route "
                    "follows flat, well-signposted cycle paths through the heath, fens and woods of Kempen~Broek, with "
                    "a short detour across the border into Belgium.\n\n"
                    "Halfway there is a coffee stop with Limburg flan. Everyone is welcome to ride along at their own "
                    "risk; no registration is needed. Start and finish at the IJzeren Man visitor centre."
                ),
                "image_alt": "A cyclist on a road bike, and a football and goal on green hills.",
                "cancellation_reason": "",
            },
            "zh": {
                "title": "肯彭布鲁克友好城市骑行活动",
                "summary": "与来自余杭的骑行爱好者一起，骑行45公里，穿越韦尔特森林、劳拉森林和荷比边境地区。",
                "description": (
                    "一支余杭骑行队正在韦尔特访问，并将参加本次开放式友城骑行活动。路线沿平坦且标识清晰的自行车道，"
                    "穿过肯彭布鲁克的石楠荒原、湖沼和森林，途中短暂越境进入比利时。\n\n"
                    "中途设有咖啡休息站，提供林堡水果馅饼。欢迎所有人参加，安全责任自负，无需报名。"
                    "起点和终点均为铁人湖游客中心。"
                ),
                "image_alt": "一位骑公路自行车的骑手，以及绿色山坡上的足球和球门。",
                "cancellation_reason": "",
            },
        },
    },
    {
        "key": "jingshan-tea-culture-day",
        "slug": "jingshan-tea-culture-day",
        "category": "tourism",
        "city": "yuhang",
        "office": "yuhang",
        "venue": "jingshan",
        "online_url": None,
        "image": "tea.svg",
        "when": {"weeks": 10, "weekday": 5, "time": "09:30", "hours": 4},
        "all_day": False,
        "rrule": None,
        "skip": [],
        "capacity": 20,
        "registration": {"opens_in_days": 14},
        "status": "published",
        "texts": {
            "nl": {
                "title": "Theecultuur in Jingshan: wandeling en theeceremonie",
                "summary": (
                    "Wandel door de theetuinen van Jingshan en ontdek de theeceremonie die vanuit de Jingshan-tempel "
                    "naar Japan reisde. Aanmelden kan over twee weken."
                ),
                "description": (
                    "Jingshan in het noordwesten van Yuhang is al meer dan duizend jaar bekend om zijn groene thee. "
                    "De monniken van de Jingshan-tempel ontwikkelden een theeceremonie die later de Japanse "
                    "theecultuur sterk heeft beïnvloed.\n\n"
                    "Een gids neemt u mee door de theetuinen op de berghellingen. Daarna volgt in een theehuis een "
                    "demonstratie van de Jingshan-theeceremonie en proeft u verschillende soorten thee. "
                    "De inschrijving opent over veertien dagen; er zijn twintig plaatsen."
                ),
                "image_alt": "Groene theeheuvels van Jingshan en een dampende kop groene thee.",
                "cancellation_reason": "",
            },
            "en": {
                "title": "Jingshan tea culture: walk and tea ceremony",
                "summary": (
                    "Walk through the tea gardens of Jingshan and discover the tea ceremony that travelled from "
                    "Jingshan Temple to Japan. Registration opens in two weeks."
                ),
                "description": (
                    "Jingshan, in the north-west of Yuhang, has been known for its green tea for more than a thousand "
                    "years. The monks of Jingshan Temple developed a tea ceremony that later strongly influenced "
                    "Japanese tea culture.\n\n"
                    "A guide takes you through the tea gardens on the mountain slopes. Afterwards, a tea house hosts "
                    "a demonstration of the Jingshan tea ceremony and a tasting of several teas. Registration opens in "
                    "fourteen days; there are twenty places."
                ),
                "image_alt": "The green tea hills of Jingshan and a steaming cup of green tea.",
                "cancellation_reason": "",
            },
            "zh": {
                "title": "径山茶文化体验：茶园漫步与径山茶宴",
                "summary": "漫步径山茶园，了解从径山寺东传日本的径山茶宴。报名将于两周后开放。",
                "description": (
                    "位于余杭西北部的径山，产茶历史已逾千年。径山寺僧人所创的径山茶宴，"
                    "后来对日本茶道产生了深远影响。\n\n"
                    "活动由讲解员带领大家走进山间茶园，随后在茶室观摩径山茶宴礼仪演示，并品鉴多款好茶。"
                    "报名将于十四天后开放，名额二十个。"
                ),
                "image_alt": "径山翠绿的茶山和一杯冒着热气的绿茶。",
                "cancellation_reason": "",
            },
        },
    },
    {
        "key": "liangzhu-site-visit",
        "slug": "guided-visit-liangzhu-archaeological-site",
        "category": "tourism",
        "city": "yuhang",
        "office": "yuhang",
        "venue": "liangzhu-park",
        "online_url": None,
        "image": "liangzhu.svg",
        "when": {"weeks": 19, "weekday": 1, "time": "09:00", "hours": 5},
        "all_day": False,
        "rrule": None,
        "skip": [],
        "capacity": 30,
        "registration": {"closes_days_before": 7},
        "status": "published",
        "texts": {
            "nl": {
                "title": "Rondleiding archeologische vindplaats Liangzhu",
                "summary": (
                    "Een begeleid bezoek aan de 5000 jaar oude stad van Liangzhu, sinds 2019 UNESCO-werelderfgoed, "
                    "en aan het Liangzhu Museum."
                ),
                "description": (
                    "De ruïnes van de oude stad Liangzhu in Yuhang laten zien hoe hier meer dan vijfduizend jaar "
                    "geleden een vroege staat met stadsmuren, paleizen en een waterbeheersingssysteem bestond. "
                    "In 2019 werd de vindplaats op de Werelderfgoedlijst van UNESCO geplaatst.\n\n"
                    "Een Engelstalige gids leidt u over het terrein van het archeologisch park. Na de lunch bezoekt "
                    "u het Liangzhu Museum met zijn beroemde jade cong en bi-schijven. Vervoer per bus vanaf Dream "
                    "Town is inbegrepen."
                ),
                "image_alt": "Een jaden cong die in het water staat tussen rijstterrassen.",
                "cancellation_reason": "",
            },
            "en": {
                "title": "Guided visit to the Liangzhu archaeological site",
                "summary": (
                    "A guided visit to the 5,000-year-old city of Liangzhu, a UNESCO World Heritage Site since 2019, "
                    "and to the Liangzhu Museum."
                ),
                "description": (
                    "The Archaeological Ruins of Liangzhu City in Yuhang show how an early state with city walls, "
                    "palaces and a water management system existed here more than five thousand years ago. The site "
                    "was inscribed on the UNESCO World Heritage List in 2019.\n\n"
                    "An English-speaking guide leads you through the archaeological park. After lunch you visit the "
                    "Liangzhu Museum with its famous jade cong and bi discs. Coach transport from Dream Town is "
                    "included."
                ),
                "image_alt": "A jade cong standing in water between terraced rice fields.",
                "cancellation_reason": "",
            },
            "zh": {
                "title": "良渚古城遗址导览参观",
                "summary": "参观距今五千多年、2019年列入世界遗产名录的良渚古城遗址，并走进良渚博物院。",
                "description": (
                    "位于余杭的良渚古城遗址，实证了五千多年前这里已出现拥有城墙、宫殿和水利系统的早期国家。"
                    "2019年，良渚古城遗址被列入联合国教科文组织《世界遗产名录》。\n\n"
                    "英语讲解员将带领大家参观遗址公园。午餐后前往良渚博物院，欣赏著名的玉琮和玉璧。"
                    "活动包含从梦想小镇出发的往返大巴。"
                ),
                "image_alt": "一件玉琮矗立在水中，两旁是层层梯田。",
                "cancellation_reason": "",
            },
        },
    },
    {
        "key": "west-lake-morning-walk",
        "slug": "west-lake-morning-walk",
        "category": "tourism",
        "city": "yuhang",
        "office": "yuhang",
        "venue": None,
        "online_url": None,
        "image": "west-lake.svg",
        "when": {"weeks": 25, "weekday": 6, "time": "08:30", "hours": 3.5},
        "all_day": False,
        "rrule": None,
        "skip": [],
        "capacity": 30,
        "registration": None,
        "status": "published",
        "texts": {
            "nl": {
                "title": "Ochtendwandeling langs het West Meer",
                "summary": (
                    "Een wandeling met gids van de Gebroken Brug over de Baidijk naar het Solitaire Eiland, voor "
                    "bezoekers uit Weert en inwoners van Yuhang."
                ),
                "description": (
                    "Het West Meer is het beroemdste landschap van Hangzhou. Tijdens deze rustige ochtendwandeling "
                    "ziet u hoe inwoners aan het water tai chi doen en zingen, en vertelt de gids over de gedichten en "
                    "legendes die bij het meer horen.\n\n"
                    "We verzamelen om 8.30 uur bij de Gebroken Brug (Duanqiao) aan de Beishan-weg. De wandeling is "
                    "ongeveer vijf kilometer en eindigt met thee in een theehuis op het Solitaire Eiland."
                ),
                "image_alt": (
                    "Het West Meer bij zonsondergang met een rode pagode op een heuvel, wilgentakken en een "
                    "overdekte boot."
                ),
                "cancellation_reason": "",
            },
            "en": {
                "title": "Morning walk along West Lake",
                "summary": (
                    "A guided walk from the Broken Bridge along the Bai Causeway to Solitary Hill, for visitors from "
                    "Weert and residents of Yuhang."
                ),
                "description": (
                    "West Lake is Hangzhou's most famous landscape. On this quiet morning walk you will see residents "
                    "practising tai chi and singing by the water, while the guide tells the poems and legends "
                    "connected with the lake.\n\n"
                    "We meet at 8:30 at the Broken Bridge (Duanqiao) on Beishan Road. The walk "
                    "is about five kilometres "
                    "and ends with tea in a tea house on Solitary Hill."
                ),
                "image_alt": "West Lake at sunset with a red pagoda on a hill, willow branches and a canopied boat.",
                "cancellation_reason": "",
            },
            "zh": {
                "title": "西湖晨间漫步",
                "summary": "由导游带领，从断桥出发，沿白堤步行至孤山，欢迎韦尔特访客和余杭市民参加。",
                "description": (
                    "西湖是杭州最负盛名的风景。在宁静的晨间漫步中，您可以看到市民在湖边打太极、唱歌，"
                    "导游还将讲述与西湖有关的诗词和传说。\n\n"
                    "上午8:30在北山街断桥集合。全程约五公里，最后在孤山的茶室品茶休息。"
                ),
                "image_alt": "夕阳下的西湖，山上有一座红色宝塔，柳枝低垂，湖面上有一艘带篷的游船。",
                "cancellation_reason": "",
            },
        },
    },
    {
        "key": "school-exchange-weert-students-yuhang",
        "slug": "school-exchange-weert-students-in-yuhang",
        "category": "education",
        "city": "yuhang",
        "office": "weert",
        "venue": None,
        "online_url": None,
        "image": "students.svg",
        "when": {"weeks": 22, "weekday": 0, "days": 10},
        "all_day": True,
        "rrule": None,
        "skip": [],
        "capacity": 20,
        "registration": {"closes_days_before": 60},
        "status": "published",
        "texts": {
            "nl": {
                "title": "Schooluitwisseling: leerlingen uit Weert op school in Yuhang",
                "summary": (
                    "Twintig leerlingen uit de bovenbouw van Scholengemeenschap Weert lopen tien dagen mee op een "
                    "middelbare school in Yuhang en logeren bij gastgezinnen."
                ),
                "description": (
                    "De leerlingen volgen lessen met hun Chinese uitwisselingspartners, "
                    "waaronder wiskunde, kalligrafie "
                    "en Chinese taal. Ze verblijven bij gastgezinnen en maken zo het dagelijks leven in Yuhang mee.\n\n"
                    "Het programma omvat ook een bezoek aan de archeologische vindplaats Liangzhu, het West Meer en "
                    "de theetuinen van Jingshan. In het volgende schooljaar komen de Chinese leerlingen naar Weert.\n\n"
                    "Aanmelden loopt via de school; twee docenten begeleiden de groep."
                ),
                "image_alt": (
                    "Een schoolgebouw met rondvliegende afstudeerhoedjes, boeken en de Nederlandse en Chinese vlag."
                ),
                "cancellation_reason": "",
            },
            "en": {
                "title": "School exchange: Weert students at a school in Yuhang",
                "summary": (
                    "Twenty upper-secondary students from Weert Secondary School spend ten days at a secondary school "
                    "in Yuhang and stay with host families."
                ),
                "description": (
                    "The students attend lessons with their Chinese exchange partners, including mathematics, "
                    "calligraphy and Chinese. They stay with host families and experience daily life in Yuhang.\n\n"
                    "The programme also includes visits to the Liangzhu archaeological site, West Lake and the tea "
                    "gardens of Jingshan. Next school year the Chinese students will come to Weert.\n\n"
                    "Registration is through the school; two teachers accompany the group."
                ),
                "image_alt": "A school building with flying graduation caps, books, and the Dutch and Chinese flags.",
                "cancellation_reason": "",
            },
            "zh": {
                "title": "校际交流：韦尔特学生来余杭中学学习",
                "summary": "二十名韦尔特中学高年级学生将在余杭一所中学随班学习十天，并入住寄宿家庭。",
                "description": (
                    "荷兰学生将与中国交流伙伴一起上课，课程包括数学、书法和汉语。"
                    "他们入住当地寄宿家庭，亲身体验余杭的日常生活。\n\n"
                    "交流期间还将参观良渚古城遗址、西湖和径山茶园。下一学年，余杭学生将回访韦尔特。\n\n"
                    "报名由学校统一组织，两名教师随团带队。"
                ),
                "image_alt": "一栋教学楼，空中飞舞着学位帽，旁边有书本以及荷兰和中国国旗。",
                "cancellation_reason": "",
            },
        },
    },
    {
        "key": "teacher-exchange-webinar",
        "slug": "teacher-exchange-webinar-weert-yuhang",
        "category": "education",
        "city": "yuhang",
        "office": "yuhang",
        "venue": None,
        "online_url": "https://meet.example/stedenband-docenten-4m9q",
        "image": "students.svg",
        "when": {"weeks": 8, "weekday": 2, "time": "16:00", "hours": 1.5},
        "all_day": False,
        "rrule": None,
        "skip": [],
        "capacity": 100,
        "registration": {"closes_days_before": 2},
        "status": "published",
        "texts": {
            "nl": {
                "title": "Webinar docentenuitwisseling Weert–Yuhang",
                "summary": (
                    "Docenten uit Weert en Yuhang vertellen online over lesgeven in elkaars land en over het "
                    "uitwisselingsprogramma voor leraren."
                ),
                "description": (
                    "Hoe ziet een schooldag in Yuhang eruit, en wat valt een Chinese docent op in een Weerter klas? "
                    "In dit webinar delen docenten die aan eerdere uitwisselingen deelnamen hun ervaringen.\n\n"
                    "Daarna lichten beide onderwijsafdelingen het programma voor het komende schooljaar toe en kunt u "
                    "vragen stellen. Het webinar begint om 16.00 uur Chinese tijd, in de ochtend in Weert. "
                    "Er is vertaling Chinees–Engels."
                ),
                "image_alt": (
                    "Een schoolgebouw met rondvliegende afstudeerhoedjes, boeken en de Nederlandse en Chinese vlag."
                ),
                "cancellation_reason": "",
            },
            "en": {
                "title": "Weert–Yuhang teacher exchange webinar",
                "summary": (
                    "Teachers from Weert and Yuhang talk online about teaching in each other's country and about the "
                    "teacher exchange programme."
                ),
                "description": (
                    "What does a school day in Yuhang look like, and what strikes a Chinese teacher in a classroom in "
                    "Weert? In this webinar, teachers who took part in earlier exchanges share their experiences.\n\n"
                    "Both education departments then present next school year's programme and answer questions. "
                    "The webinar starts at 16:00 China time, which is morning in Weert. Chinese–English "
                    "interpretation is provided."
                ),
                "image_alt": "A school building with flying graduation caps, books, and the Dutch and Chinese flags.",
                "cancellation_reason": "",
            },
            "zh": {
                "title": "韦尔特—余杭教师交流线上研讨会",
                "summary": "韦尔特和余杭两地教师在线分享在对方国家任教的经历，并介绍教师交流项目。",
                "description": (
                    "余杭的一天校园生活是什么样的？中国教师走进韦尔特的课堂又有哪些感受？"
                    "本次线上研讨会邀请参加过往届交流的教师分享亲身经历。\n\n"
                    "随后，两地教育部门将介绍下一学年的交流计划并现场答疑。研讨会于北京时间16:00开始，"
                    "此时韦尔特为上午。会议提供中英翻译。"
                ),
                "image_alt": "一栋教学楼，空中飞舞着学位帽，旁边有书本以及荷兰和中国国旗。",
                "cancellation_reason": "",
            },
        },
    },
    {
        "key": "chinese-language-culture-course",
        "slug": "chinese-language-and-culture-course-weert",
        "category": "education",
        "city": "weert",
        "office": "weert",
        "venue": "weert-school",
        "online_url": None,
        "image": "lantern.svg",
        "when": {"weeks": 1, "weekday": 1, "time": "19:30", "hours": 1.5},
        "all_day": False,
        "rrule": "FREQ=WEEKLY;COUNT=10",
        "skip": [4],
        "capacity": 16,
        "registration": {"closes_days_before": 2},
        "status": "published",
        "texts": {
            "nl": {
                "title": "Cursus Chinese taal en cultuur",
                "summary": (
                    "Negen dinsdagavonden kennismaken met Chinees: uitspraak, eenvoudige gesprekken, karakters en de "
                    "cultuur van onze zusterstad Yuhang."
                ),
                "description": (
                    "Deze beginnerscursus is bedoeld voor inwoners van Weert die meer willen weten over China, "
                    "bijvoorbeeld voor een reis, hun werk of de uitwisseling met Yuhang. U leert de vier tonen, "
                    "begroetingen, getallen en zinnen voor onderweg.\n\n"
                    "Elke les eindigt met een stukje cultuur: kalligrafie, thee, feestdagen of eten. De docent is "
                    "moedertaalspreker. In de vakantieweek is er geen les; de cursus telt daardoor negen avonden."
                ),
                "image_alt": "Rode Chinese lampionnen aan een koord onder een nachtelijke hemel met een volle maan.",
                "cancellation_reason": "",
            },
            "en": {
                "title": "Chinese language and culture course",
                "summary": (
                    "Nine Tuesday evenings to get to know Chinese: pronunciation, simple conversations, characters and "
                    "the culture of our sister city Yuhang."
                ),
                "description": (
                    "This beginners' course is for Weert residents who want to learn more about China, whether for a "
                    "trip, for work or for the exchange with Yuhang. You learn the four tones, greetings, numbers and "
                    "useful travel phrases.\n\n"
                    "Each lesson ends with a taste of culture: calligraphy, tea, festivals or food. The teacher is a "
                    "native speaker. There is no lesson in the holiday week, so the course has nine evenings."
                ),
                "image_alt": "Red Chinese lanterns on a string under a night sky with a full moon.",
                "cancellation_reason": "",
            },
            "zh": {
                "title": "中国语言文化课程",
                "summary": "九个周二晚上，学习汉语发音、简单会话和汉字，了解友好城市余杭的文化。",
                "description": (
                    "本课程面向希望了解中国的韦尔特市民，无论是为了旅行、工作，还是参与与余杭的交流。"
                    "学员将学习四声、问候语、数字和旅行常用语。\n\n"
                    "每节课最后都有文化环节，内容涉及书法、茶艺、传统节日和饮食。授课教师为汉语母语者。"
                    "假期周停课一次，因此课程实际共九次。"
                ),
                "image_alt": "夜空中一轮满月，下面挂着一串红色中国灯笼。",
                "cancellation_reason": "",
            },
        },
    },
]

# How each event takes registrations; events not named here use the defaults (5 places per registration,
# a waiting list in strict order, no approval).
REGISTRATION_SETTINGS: dict[str, dict[str, Any]] = {
    # Trade missions are vetted by the office that runs them.
    "trade-mission-weert-to-yuhang": {"max_seats_per_registration": 10, "approval_required": True},
    "yuhang-business-delegation-weert": {"max_seats_per_registration": 12, "waitlist_rule": "first_fit"},
    "company-matchmaking-hybrid": {"max_seats_per_registration": 3, "waitlist_enabled": False},
    "chinese-language-culture-course": {"max_seats_per_registration": 2},
    "youth-football-exchange-tournament": {"max_seats_per_registration": 20},
    "mid-autumn-evening-weert": {"max_seats_per_registration": 6, "waitlist_enabled": False},
    # Full, and without a waiting list: visitors see "fully booked".
    "liangzhu-site-visit": {"max_seats_per_registration": 4, "waitlist_enabled": False},
}

DIET = {
    "kind": "choice",
    "required": True,
    "label": {"nl": "Eetwensen", "en": "Dietary wishes", "zh": "饮食要求"},
    "choices": [
        {"value": "none", "label": {"nl": "Geen", "en": "None", "zh": "无"}},
        {"value": "vegetarian", "label": {"nl": "Vegetarisch", "en": "Vegetarian", "zh": "素食"}},
        {"value": "halal", "label": {"nl": "Halal", "en": "Halal", "zh": "清真"}},
    ],
}

QUESTIONS: dict[str, list[dict[str, Any]]] = {
    "trade-mission-weert-to-yuhang": [
        {"kind": "text", "required": True, "label": {"nl": "Bedrijf", "en": "Company", "zh": "公司名称"}},
        {
            "kind": "multiple_choice",
            "required": False,
            "label": {"nl": "Sectoren", "en": "Sectors", "zh": "行业"},
            "choices": [
                {"value": "logistics", "label": {"nl": "Logistiek", "en": "Logistics", "zh": "物流"}},
                {"value": "manufacturing", "label": {"nl": "Maakindustrie", "en": "Manufacturing", "zh": "制造业"}},
                {"value": "agrifood", "label": {"nl": "Agrifood", "en": "Agrifood", "zh": "农业食品"}},
                {"value": "digital", "label": {"nl": "Digitale handel", "en": "Digital trade", "zh": "数字贸易"}},
            ],
        },
        {
            "kind": "yes_no",
            "required": True,
            "label": {
                "nl": "Heeft u hulp nodig bij uw visumaanvraag?",
                "en": "Do you need help with your visa application?",
                "zh": "您是否需要办理签证方面的协助？",
            },
        },
        DIET,
    ],
    "company-matchmaking-hybrid": [
        {"kind": "text", "required": True, "label": {"nl": "Bedrijf", "en": "Company", "zh": "公司名称"}},
        {
            "kind": "long_text",
            "required": False,
            "label": {
                "nl": "Met wat voor bedrijf wilt u spreken?",
                "en": "What kind of company would you like to meet?",
                "zh": "您希望与哪类企业洽谈？",
            },
        },
        {
            "kind": "choice",
            "required": True,
            "label": {"nl": "Hoe neemt u deel?", "en": "How will you take part?", "zh": "参加方式"},
            "choices": [
                {"value": "on_site", "label": {"nl": "In het stadhuis", "en": "At City Hall", "zh": "现场参加"}},
                {"value": "online", "label": {"nl": "Online", "en": "Online", "zh": "线上参加"}},
            ],
        },
    ],
    "chinese-language-culture-course": [
        {
            "kind": "choice",
            "required": True,
            "label": {"nl": "Uw niveau Chinees", "en": "Your level of Chinese", "zh": "您的汉语水平"},
            "choices": [
                {"value": "beginner", "label": {"nl": "Beginner", "en": "Beginner", "zh": "零基础"}},
                {"value": "some", "label": {"nl": "Een beetje", "en": "A little", "zh": "略懂一些"}},
            ],
        },
    ],
    "mid-autumn-evening-weert": [DIET],
}

_DUTCH_NAMES = [
    "Anouk Janssen",
    "Bram Peeters",
    "Sanne Hendriks",
    "Luuk van den Berg",
    "Femke Smeets",
    "Thijs Willems",
    "Lotte Verhoeven",
    "Joris Coenen",
    "Iris Geurts",
    "Niels Maessen",
    "Eva Beerens",
    "Koen Stals",
    "Mila Kusters",
    "Ruben Hermans",
    "Noor Wijnen",
    "Daan Houben",
]
_CHINESE_NAMES = ["王芳", "李伟", "张敏", "刘洋", "陈静", "杨帆", "赵磊", "黄婷", "周杰", "吴倩"]


def _people(names: list[str], domain: str, language: str, city: str, start: int = 0) -> list[dict[str, Any]]:
    return [
        {"name": name, "email": f"demo{start + number}@{domain}", "language": language, "home_city": city}
        for number, name in enumerate(names)
    ]


# Registrations of the demo, in the order they arrive. Demo participants are never sent mail.
REGISTRATIONS: list[dict[str, Any]] = [
    # The course fills up (16 places) and two people wait.
    *[
        {**person, "event": "chinese-language-culture-course", "answers": [["beginner", "some"][n % 2]]}
        for n, person in enumerate(_people(_DUTCH_NAMES + ["Sem Vossen", "Julia Kurvers"], "example.nl", "nl", "weert"))
    ],
    # A delegation from Yuhang for the business visit to Weert, and two companies on their own.
    {
        "event": "yuhang-business-delegation-weert",
        "name": "王芳",
        "email": "delegation@yuhang.example",
        "language": "zh",
        "home_city": "yuhang",
        "members": ["李伟", "张敏", "刘洋", "陈静", "杨帆"],
    },
    *[
        {**person, "event": "yuhang-business-delegation-weert"}
        for person in _people(_CHINESE_NAMES[6:8], "example.cn", "zh", "yuhang", start=50)
    ],
    # The trade mission: applications awaiting the Weert office's approval.
    {
        "event": "trade-mission-weert-to-yuhang",
        "name": "Bram Peeters",
        "email": "mission@example.nl",
        "language": "nl",
        "home_city": "weert",
        "members": ["Femke Smeets", "Koen Stals"],
        "answers": ["Peeters Logistiek BV", ["logistics", "agrifood"], True, "none"],
    },
    # The guided visit to Liangzhu is fully booked (30 places, no waiting list).
    *[
        {**person, "event": "liangzhu-site-visit", "seats": 3}
        for person in _people(_CHINESE_NAMES, "example.cn", "zh", "yuhang", start=100)
    ],
    # The matchmaking has places left and no waiting list.
    {
        "event": "company-matchmaking-hybrid",
        "name": "Iris Geurts",
        "email": "matchmaking@example.nl",
        "language": "en",
        "home_city": "weert",
        "answers": ["Geurts Design", "Manufacturers of lighting in Yuhang.", "on_site"],
    },
]
