"""Behaviour of the temporal tagger: SPEC.md §4's conventions, one table row per case.

Every sentence here is written for this file. Each case gives the sentence, the
publication date and the expected (text, start, end) of every expression found;
start/end are ISO days or None (open end, or a vague expression).
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from armstrack.nlp import load_spacy
from armstrack.nlp.timex import Timex, TimexTagger, tag_text

P = date(2019, 11, 26)  # a Tuesday
P16 = date(2016, 11, 21)  # a Monday
P21 = date(2021, 3, 15)
N = None

Case = tuple[str, date, list[tuple[str, str | None, str | None]]]

ABSOLUTE: list[Case] = [
    ("The contract was signed on November 26, 2019.", P,
     [("on November 26, 2019", "2019-11-26", "2019-11-26")]),
    ("The deal was signed on 26 November 2019 in Moscow.", P,
     [("on 26 November 2019", "2019-11-26", "2019-11-26")]),
    ("The army received the first howitzers on Nov. 24, 2015.", P16,
     [("on Nov. 24, 2015", "2015-11-24", "2015-11-24")]),
    ("The order was confirmed on 2021-11-14.", date(2021, 12, 1),
     [("on 2021-11-14", "2021-11-14", "2021-11-14")]),
    ("A letter dated 14/11/2021 confirmed the order.", date(2021, 12, 1),
     [("14/11/2021", "2021-11-14", "2021-11-14")]),
    ("A letter dated 04/05/2021 confirmed the order.", date(2021, 12, 1), []),
    ("Russia and China signed a contract in September 2014.", P16,
     [("in September 2014", "2014-09-01", "2014-09-30")]),
    ("The frigates were ordered in 2018.", P, [("in 2018", "2018-01-01", "2018-12-31")]),
    ("A delegation attended the IDEF 2015 exhibition.", P16,
     [("2015", "2015-01-01", "2015-12-31")]),
    ("The 2018 contract covers two batteries.", P, [("2018", "2018-01-01", "2018-12-31")]),
    ("In May 2015, officials visited the plant.", P16,
     [("In May 2015", "2015-05-01", "2015-05-31")]),
    ("Deliveries are expected to start in mid-2019.", date(2018, 6, 1),
     [("in mid-2019", "2019-05-01", "2019-08-31")]),
    ("The country received the jets in early 2020.", date(2020, 6, 1),
     [("in early 2020", "2020-01-01", "2020-04-30")]),
    ("Production will wind down in late 2024.", P,
     [("in late 2024", "2024-09-01", "2024-12-31")]),
    ("Trials took place in the middle of 2018.", P,
     [("in the middle of 2018", "2018-05-01", "2018-08-31")]),
    ("The talks started in late July.", P, [("in late July", "2019-07-21", "2019-07-31")]),
    ("The ships will arrive in early March.", P,
     [("in early March", "2020-03-01", "2020-03-10")]),
    ("Trials ended in mid-September 2018.", P,
     [("in mid-September 2018", "2018-09-11", "2018-09-20")]),
    ("The radar was switched on on Tuesday, Nov. 19.", P,
     [("on Tuesday, Nov. 19", "2019-11-19", "2019-11-19")]),
    ("The year 2025 is the target for the first flight.", P,
     [("The year 2025", "2025-01-01", "2025-12-31")]),
]

QUARTERS_HALVES: list[Case] = [
    ("Deliveries are scheduled for the fourth quarter of 2020.", P,
     [("the fourth quarter of 2020", "2020-10-01", "2020-12-31")]),
    ("The radar will be delivered in Q1 2021.", P, [("in Q1 2021", "2021-01-01", "2021-03-31")]),
    ("The first jets arrived in the third quarter.", P,
     [("in the third quarter", "2019-07-01", "2019-09-30")]),
    ("The first jets will arrive in the third quarter.", P,
     [("in the third quarter", "2020-07-01", "2020-09-30")]),
    ("The order will be booked in the fourth quarter.", P,
     [("in the fourth quarter", "2019-10-01", "2019-12-31")]),
    ("The company booked the order in Q2.", P, [("in Q2", "2019-04-01", "2019-06-30")]),
    ("Sales rose in the first quarter of this year.", P,
     [("in the first quarter of this year", "2019-01-01", "2019-03-31")]),
    ("The contract is expected in the first quarter of next year.", P,
     [("in the first quarter of next year", "2020-01-01", "2020-03-31")]),
    ("The deal closed in the final quarter of 2018.", P,
     [("in the final quarter of 2018", "2018-10-01", "2018-12-31")]),
    ("The jets arrived last quarter.", date(2020, 5, 5),
     [("last quarter", "2020-01-01", "2020-03-31")]),
    ("We hope to sign the documents in the first half of 2020.", P,
     [("in the first half of 2020", "2020-01-01", "2020-06-30")]),
    ("Moscow hopes to seal the deal in the first half of next year.", P,
     [("in the first half of next year", "2020-01-01", "2020-06-30")]),
    ("Deliveries will resume in the second half of next year.", P,
     [("in the second half of next year", "2020-07-01", "2020-12-31")]),
    ("The company reported H1 2020 results.", P, [("H1 2020", "2020-01-01", "2020-06-30")]),
    ("The jets were delivered in the first half of the year.", P,
     [("in the first half of the year", "2019-01-01", "2019-06-30")]),
    ("The rest arrived in the first half.", P,
     [("in the first half", "2019-01-01", "2019-06-30")]),
    ("The rest will arrive in the first half.", P,
     [("in the first half", "2020-01-01", "2020-06-30")]),
    ("The navy will order frigates in the second half of the decade.", P21,
     [("in the second half of the decade", "2025-01-01", "2029-12-31")]),
    ("The fleet will be replaced in the first half of the 2030s.", P,
     [("in the first half of the 2030s", "2030-01-01", "2034-12-31")]),
]

PARTS_SEASONS_DECADES: list[Case] = [
    ("The deal could be signed early next year.", P,
     [("early next year", "2020-01-01", "2020-04-30")]),
    ("The talks stalled late last year.", P, [("late last year", "2018-09-01", "2018-12-31")]),
    ("The squadron will be operational by mid-2021.", P, [("by mid-2021", N, "2021-08-31")]),
    ("The test was held in the spring of 2019.", P,
     [("in the spring of 2019", "2019-03-01", "2019-05-31")]),
    ("The frigate will be commissioned in summer 2021.", P,
     [("in summer 2021", "2021-06-01", "2021-08-31")]),
    ("The missiles arrived in autumn 2018.", P,
     [("in autumn 2018", "2018-09-01", "2018-11-30")]),
    ("The jets will be delivered in the fall of 2020.", P,
     [("in the fall of 2020", "2020-09-01", "2020-11-30")]),
    ("The exercise took place in winter 2018.", P,
     [("in winter 2018", "2018-12-01", "2019-02-28")]),
    ("The system will enter service next summer.", P,
     [("next summer", "2020-06-01", "2020-08-31")]),
    ("The delivery took place last spring.", P, [("last spring", "2019-03-01", "2019-05-31")]),
    ("The trials were held this summer.", P, [("this summer", "2019-06-01", "2019-08-31")]),
    ("The frigate was delivered in the summer.", P,
     [("in the summer", "2019-06-01", "2019-08-31")]),
    ("The frigate will be delivered in the spring.", P,
     [("in the spring", "2020-03-01", "2020-05-31")]),
    ("Turkey would only receive the systems sometime in the 2020s.", P16,
     [("sometime in the 2020s", "2020-01-01", "2029-12-31")]),
    ("The fleet was built in the 1980s.", P, [("in the 1980s", "1980-01-01", "1989-12-31")]),
    ("The tanks were bought in the late 1990s.", P,
     [("in the late 1990s", "1997-01-01", "1999-12-31")]),
    ("The upgrades were done in the early 2000s.", P,
     [("in the early 2000s", "2000-01-01", "2003-12-31")]),
    ("The army wants new tanks by the end of the decade.", P21,
     [("by the end of the decade", N, "2029-12-31")]),
    ("The base will be modernised by the end of the next decade.", P21,
     [("by the end of the next decade", N, "2039-12-31")]),
]

YEARLESS: list[Case] = [
    ("Delivery began in July.", P, [("in July", "2019-07-01", "2019-07-31")]),
    ("Delivery will begin in July.", P, [("in July", "2020-07-01", "2020-07-31")]),
    ("Delivery is to begin in July.", P, [("in July", "2020-07-01", "2020-07-31")]),
    ("The ministry is expected to sign the deal in February.", P,
     [("in February", "2020-02-01", "2020-02-29")]),
    ("Ankara plans to deploy the system in April.", P,
     [("in April", "2020-04-01", "2020-04-30")]),
    ("The first unit was delivered in December.", P,
     [("in December", "2018-12-01", "2018-12-31")]),
    ("The contract will be signed in December.", P,
     [("in December", "2019-12-01", "2019-12-31")]),
    ("The last batch arrived in November.", P, [("in November", "2019-11-01", "2019-11-30")]),
    ("The jets were expected to arrive in October.", P,
     [("in October", "2019-10-01", "2019-10-31")]),
    ("The company is delivering the second batch in March.", P,
     [("in March", "2020-03-01", "2020-03-31")]),
    ("Officials have been negotiating since March.", P, [("since March", "2019-03-01", N)]),
    ("The jets were delivered last July.", P, [("last July", "2019-07-01", "2019-07-31")]),
    ("The jets will be delivered next March.", P, [("next March", "2020-03-01", "2020-03-31")]),
    ("The first batteries arrived on Nov. 14.", P,
     [("on Nov. 14", "2019-11-14", "2019-11-14")]),
    ("The batteries will be handed over on Dec. 10.", P,
     [("on Dec. 10", "2019-12-10", "2019-12-10")]),
    ("The ministers met on Jan. 20.", P, [("on Jan. 20", "2019-01-20", "2019-01-20")]),
    ("The ministers will meet on Jan. 20.", P, [("on Jan. 20", "2020-01-20", "2020-01-20")]),
    ("The ministers met on 12 February.", P, [("on 12 February", "2019-02-12", "2019-02-12")]),
    ("The minister said on Tuesday that the deal was done.", P,
     [("on Tuesday", "2019-11-26", "2019-11-26")]),
    ("The minister will visit Ankara on Friday.", P,
     [("on Friday", "2019-11-29", "2019-11-29")]),
    ("The minister visited Ankara on Friday.", P, [("on Friday", "2019-11-22", "2019-11-22")]),
    ("Local media said on Monday that jets would fly over the capital.", P,
     [("on Monday", "2019-11-25", "2019-11-25")]),
    ("The newspaper reported Monday that a deal was near.", P16,
     [("Monday", "2016-11-21", "2016-11-21")]),
    ("The jets were delivered last Tuesday.", P,
     [("last Tuesday", "2019-11-19", "2019-11-19")]),
    ("The talks will resume next Monday.", P, [("next Monday", "2019-12-02", "2019-12-02")]),
    ("Talks between the allies would continue until April.", P,
     [("until April", N, "2020-04-30")]),
    ("After delivery began in July, he said the system would be fully deployed by April 2020.",
     P, [("in July", "2019-07-01", "2019-07-31"), ("by April 2020", N, "2020-04-30")]),
    ("The leader is set to attend a summit in London on Dec. 3-4.", P,
     [("on Dec. 3-4", "2019-12-03", "2019-12-04")]),
    ("The missiles arrived in May and the radars in June.", P,
     [("in May", "2019-05-01", "2019-05-31"), ("in June", "2019-06-01", "2019-06-30")]),
]

RELATIVE: list[Case] = [
    ("The contract was signed earlier this year.", P,
     [("earlier this year", "2019-01-01", "2019-11-26")]),
    ("The second regiment will arrive later this year.", date(2019, 6, 10),
     [("later this year", "2019-06-10", "2019-12-31")]),
    ("The leaders met earlier this month.", P,
     [("earlier this month", "2019-11-01", "2019-11-26")]),
    ("More deliveries will follow later this month.", P,
     [("later this month", "2019-11-26", "2019-11-30")]),
    ("More deliveries will follow later in 2021.", P,
     [("later in 2021", "2021-01-01", "2021-12-31")]),
    ("Sales grew this year.", P, [("this year", "2019-01-01", "2019-12-31")]),
    ("The ministry signed the deal this month.", P, [("this month", "2019-11-01", "2019-11-30")]),
    ("An official said last week that the jets had arrived.", P,
     [("last week", "2019-11-18", "2019-11-24")]),
    ("The delegation will travel to Moscow next week.", P,
     [("next week", "2019-12-02", "2019-12-08")]),
    ("The inspectors arrive this week.", P, [("this week", "2019-11-25", "2019-12-01")]),
    ("The deal was signed last month.", P, [("last month", "2019-10-01", "2019-10-31")]),
    ("The deal will be signed next month.", P, [("next month", "2019-12-01", "2019-12-31")]),
    ("The navy ordered two frigates last year.", P, [("last year", "2018-01-01", "2018-12-31")]),
    ("Russia hopes to sign a new deal next year.", P,
     [("next year", "2020-01-01", "2020-12-31")]),
    ("Last year the navy ordered two frigates.", P, [("Last year", "2018-01-01", "2018-12-31")]),
    ("The budget for the current year includes the purchase.", P,
     [("the current year", "2019-01-01", "2019-12-31")]),
    ("Exports grew over the past year.", P, [("over the past year", "2018-11-26", "2019-11-26")]),
    ("The commission will meet by year's end to discuss the sale.", P16,
     [("by year's end", N, "2016-12-31")]),
    ("The commission will meet by the end of the year.", P16,
     [("by the end of the year", N, "2016-12-31")]),
    ("The system must be operational by the end of next year.", P,
     [("by the end of next year", N, "2020-12-31")]),
    ("The contract will be signed at the end of 2020.", P,
     [("at the end of 2020", "2020-12-01", "2020-12-31")]),
    ("The last batch will arrive at the end of the month.", P,
     [("at the end of the month", "2019-11-21", "2019-11-30")]),
    ("The trials will resume late next month.", P,
     [("late next month", "2019-12-21", "2019-12-31")]),
    ("The minister signed the contract today.", P, [("today", "2019-11-26", "2019-11-26")]),
    ("The ministry announced the deal yesterday.", P,
     [("yesterday", "2019-11-25", "2019-11-25")]),
    ("The frigate will be launched tomorrow.", P, [("tomorrow", "2019-11-27", "2019-11-27")]),
    ("The deal was signed two years ago.", P, [("two years ago", "2017-01-01", "2017-12-31")]),
    ("The batteries arrived three months ago.", P,
     [("three months ago", "2019-08-01", "2019-08-31")]),
    ("The first contract was signed a decade ago.", P,
     [("a decade ago", "2009-01-01", "2009-12-31")]),
    ("The aircraft landed two weeks ago.", P, [("two weeks ago", "2019-11-11", "2019-11-17")]),
    ("The talks started several years ago.", P, [("several years ago", N, N)]),
    ("The factory will be built within two years.", P,
     [("within two years", "2019-11-26", "2021-11-26")]),
    ("The army will receive the tanks over the next five years.", P,
     [("over the next five years", "2019-11-26", "2024-11-26")]),
    ("Deliveries are planned in the next two years.", P,
     [("in the next two years", "2019-11-26", "2021-11-26")]),
    ("The navy will commission the ships within the next decade.", P,
     [("within the next decade", "2019-11-26", "2029-11-26")]),
    ("Deliveries will be completed within 18 months.", P,
     [("within 18 months", "2019-11-26", "2021-05-26")]),
    ("The air force has bought jets over the past three years.", P,
     [("over the past three years", "2016-11-26", "2019-11-26")]),
    ("The fighter should be ready for flight in 5-6 years.", P,
     [("in 5-6 years", "2024-11-26", "2025-11-26")]),
    ("The new submarine will be ready in two years.", P,
     [("in two years", "2021-01-01", "2021-12-31")]),
    ("The frigate will be delivered in 18 months' time.", P,
     [("in 18 months' time", "2021-05-01", "2021-05-31")]),
    ("The plant was built in two years.", P, [("in two years", N, N)]),
]

OPEN_BOUNDS: list[Case] = [
    ("The transfer will take place no earlier than 2018.", P16,
     [("no earlier than 2018", "2018-01-01", N)]),
    ("The jets will be delivered by April 2020.", P, [("by April 2020", N, "2020-04-30")]),
    ("The system must be delivered before 2022.", P, [("before 2022", N, "2022-12-31")]),
    ("The batteries should arrive no later than March 2021.", P,
     [("no later than March 2021", N, "2021-03-31")]),
    ("The service contract runs until 2025.", P, [("until 2025", N, "2025-12-31")]),
    ("Production will continue through 2030.", P, [("through 2030", N, "2030-12-31")]),
    ("Deliveries will run from 2021.", P, [("from 2021", "2021-01-01", N)]),
    ("Production will start in 2022 at the earliest.", P,
     [("in 2022 at the earliest", "2022-01-01", N)]),
    ("The embargo has been in force since 2014.", P, [("since 2014", "2014-01-01", N)]),
    ("Sanctions will be lifted after 2020.", P, [("after 2020", "2021-01-01", N)]),
    ("Deliveries are planned starting in January 2021.", P,
     [("starting in January 2021", "2021-01-01", N)]),
    ("Deliveries will begin no earlier than the second half of 2021.", P,
     [("no earlier than the second half of 2021", "2021-07-01", N)]),
    ("The first flight was planned by 2023.", P, [("by 2023", N, "2023-12-31")]),
    ("The system will be fully deployed by the end of 2020.", P,
     [("by the end of 2020", N, "2020-12-31")]),
    ("Upgrades are planned from 2025 onwards.", P, [("from 2025 onwards", "2025-01-01", N)]),
    ("The base will be ready after March 2021.", P, [("after March 2021", "2021-04-01", N)]),
    ("The line will close by the end of March.", P, [("by the end of March", N, "2020-03-31")]),
    ("The order will be placed in December at the latest.", P,
     [("in December at the latest", N, "2019-12-31")]),
    ("The radar will not be installed until 2023.", P, [("until 2023", N, "2023-12-31")]),
    ("Deliveries will begin as of January 1, 2021.", P,
     [("as of January 1, 2021", "2021-01-01", N)]),
]

RANGES: list[Case] = [
    ("Deliveries took place between 2015 and 2017.", P,
     [("between 2015 and 2017", "2015-01-01", "2017-12-31")]),
    ("The jets were delivered from 2016 to 2018.", P,
     [("from 2016 to 2018", "2016-01-01", "2018-12-31")]),
    ("The programme ran in 2020-2022.", date(2023, 1, 1),
     [("in 2020-2022", "2020-01-01", "2022-12-31")]),
    ("Production ran 2020–22 at the plant.", date(2023, 1, 1),
     [("2020–22", "2020-01-01", "2022-12-31")]),
    ("Trials were held in March-May 2021.", P21,
     [("in March-May 2021", "2021-03-01", "2021-05-31")]),
    ("The summit will take place on Dec. 3-4.", P, [("on Dec. 3-4", "2019-12-03", "2019-12-04")]),
    ("The exercise ran from January to March 2020.", P21,
     [("from January to March 2020", "2020-01-01", "2020-03-31")]),
    ("Deliveries are planned between March and May 2021.", P,
     [("between March and May 2021", "2021-03-01", "2021-05-31")]),
    ("The drills were held on 3-5 June 2019.", P,
     [("on 3-5 June 2019", "2019-06-03", "2019-06-05")]),
    ("The drills were held from 3 to 5 June 2019.", P,
     [("from 3 to 5 June 2019", "2019-06-03", "2019-06-05")]),
    ("The drills will be held between 3 and 5 June.", P,
     [("between 3 and 5 June", "2020-06-03", "2020-06-05")]),
    ("The January-March period was busy.", P,
     [("January-March", "2019-01-01", "2019-03-31")]),
    ("The upgrade lasted from December 2018 to February.", P,
     [("from December 2018 to February", "2018-12-01", "2019-02-28")]),
    ("Talks ran from 2014 until 2016.", P, [("from 2014 until 2016", "2014-01-01", "2016-12-31")]),
    ("The batteries arrived between June and August.", P,
     [("between June and August", "2019-06-01", "2019-08-31")]),
    ("The plan covers 2021 to 2025.", P, [("2021 to 2025", "2021-01-01", "2025-12-31")]),
]

FISCAL: list[Case] = [
    ("The funds are in the fiscal 2021 budget.", P,
     [("fiscal 2021", "2020-10-01", "2021-09-30")]),
    ("Congress approved the money for fiscal year 2021.", P,
     [("fiscal year 2021", "2020-10-01", "2021-09-30")]),
    ("The Pentagon requested the jets in FY2021.", P, [("in FY2021", "2020-10-01", "2021-09-30")]),
    ("The Pentagon requested the jets in FY 2022.", P,
     [("in FY 2022", "2021-10-01", "2022-09-30")]),
    ("The FY21 budget includes twelve jets.", P, [("FY21", "2020-10-01", "2021-09-30")]),
    ("The plan funds purchases in FY2021-23.", P, [("in FY2021-23", "2020-10-01", "2023-09-30")]),
]

VAGUE: list[Case] = [
    ("The deal will be signed in the coming months.", P, [("in the coming months", N, N)]),
    ("The contract will be signed soon.", P, [("soon", N, N)]),
    ("The navy recently received the ships.", P, [("recently", N, N)]),
    ("In recent months, relations have improved.", P16, [("In recent months", N, N)]),
    ("The systems will be delivered in the near future.", P, [("in the near future", N, N)]),
    ("The details will be agreed at a later date.", P, [("at a later date", N, N)]),
    ("More orders could follow in the next few years.", P, [("in the next few years", N, N)]),
    ("The jets are needed as soon as possible.", P, [("as soon as possible", N, N)]),
    ("A second batch was ordered the following year.", P, [("the following year", N, N)]),
]

NO_DATE: list[Case] = [
    (sentence, P, [])
    for sentence in (
        "Turkey may buy more F-16 Block 70 jets.",
        "The S-400 and Su-35 deals are worth $2.5 billion.",
        "India ordered 36 jets and 1,000 troops took part.",
        "The T-90S tanks and K9 howitzers were displayed.",
        "China is building Type 054A frigates.",
        "The MiG-29 and F/A-18E/F fleets need spare parts.",
        "The A400M transport carried 5.56mm ammunition.",
        "We have big plans ahead.",
        "Russia may supply the missiles if Ankara pays.",
        "Protesters staged a march outside the embassy.",
        "The F-35 program has faced cost overruns.",
        "Call the press office at 202-555-2019 for details.",
        "The guns fire 2000 rounds per minute.",
        "Exports rose by 15% to 2,500 units.",
        "The second regiment is stationed near the border.",
        "The army fielded 2000 tanks along the frontier.",
        "The Su-57 and the J-20 are fifth-generation fighters.",
        "Block 2020 software was installed on the jets.",
        "The company sold 1950 rifles to the police.",
        "He said we would see what happens.",
        "The Sun newspaper reported the sale.",
        "The range of the missile is 2100 km.",
        "The deal covers 2020 missiles.",
        "Patriot batteries cost about $1 billion each.",
        "May's government approved the export licence.",
        "The March on the capital drew thousands.",
        "Oil prices fall when exports shrink.",
        "The fall of the government delayed the deal.",
        "The contract was worth 1.2 billion euros.",
        "The radar weighs 2019 kg.",
        "Theresa May visited the plant.",
        "The contract is worth $2019 million.",
        "Project 2020 frigates are under construction.",
    )
]

ALL_CASES = (ABSOLUTE + QUARTERS_HALVES + PARTS_SEASONS_DECADES + YEARLESS + RELATIVE
             + OPEN_BOUNDS + RANGES + FISCAL + VAGUE + NO_DATE)


@pytest.fixture(scope="session")
def nlp():
    return load_spacy()


@pytest.fixture(scope="session")
def tagger() -> TimexTagger:
    return TimexTagger()


def _rows(timexes: list[Timex]) -> list[tuple[str, str | None, str | None]]:
    rows = []
    for tx in timexes:
        iv = tx.interval
        start = iv.start.isoformat() if iv and iv.start else None
        end = iv.end.isoformat() if iv and iv.end else None
        rows.append((tx.text, start, end))
    return rows


def test_table_is_big_enough() -> None:
    assert len(ALL_CASES) >= 140
    assert len(NO_DATE) >= 20


@pytest.mark.parametrize(("sentence", "published", "expected"), ALL_CASES,
                         ids=[c[0][:60] for c in ALL_CASES])
def test_expression(nlp, tagger, sentence: str, published: date, expected) -> None:
    doc = nlp(sentence)
    found = tagger.tag(doc, published)
    assert _rows(found) == expected
    for tx in found:  # text and offsets always agree, and the interval carries the text
        assert doc.text[tx.start_char : tx.end_char] == tx.text
        assert tx.interval is None or tx.interval.text == tx.text


def test_head_and_tense_follow_each_clause(nlp, tagger) -> None:
    doc = nlp("After delivery began in July, he said the system would be fully deployed by "
              "April 2020.")
    july, april = tagger.tag(doc, P)
    assert doc[july.head_i].text == "began" and july.tense == "past"
    assert doc[april.head_i].text == "deployed" and april.tense == "future"


def test_head_can_be_a_noun(nlp, tagger) -> None:
    doc = nlp("The delivery in July was delayed.")
    (tx,) = tagger.tag(doc, P)
    assert doc[tx.head_i].text == "delivery"


def test_span_offsets_are_doc_offsets(nlp, tagger) -> None:
    doc = nlp("Turkey bought the batteries. Deliveries will begin in July. Russia hopes to sign "
              "a new deal next year.")
    sents = list(doc.sents)
    assert len(sents) == 3
    found = tagger.tag(sents[1], P)
    assert [tx.text for tx in found] == ["in July"]
    tx = found[0]
    assert doc.text[tx.start_char : tx.end_char] == "in July"
    assert tx.start_char == doc.text.index("in July")
    assert tx.interval is not None and tx.interval.start == date(2020, 7, 1)
    assert sents[1].start <= tx.head_i < sents[1].end


def test_tag_text_and_datetime_publication() -> None:
    from datetime import datetime

    found = tag_text("The jets arrived last week.", datetime(2019, 11, 26, 14, 0))
    assert _rows(found) == [("last week", "2019-11-18", "2019-11-24")]


def test_timex_is_frozen() -> None:
    (tx,) = tag_text("Delivery began in July.", P)
    with pytest.raises(AttributeError):
        tx.text = "x"  # type: ignore[misc]


def _cli():
    from armstrack.cli.main import cli

    return cli


def test_cli_prints_json() -> None:
    result = CliRunner().invoke(
        _cli(), ["timex", "--published", "2019-11-26", "Delivery began in July."]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {"text": "in July", "start": "2019-07-01", "end": "2019-07-31", "offsets": [15, 22]}
    ]


def test_cli_reads_stdin_and_prints_open_ends() -> None:
    result = CliRunner().invoke(
        _cli(), ["timex", "--published", "2019-11-26", "-"],
        input="It will be deployed by April 2020.",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == [
        {"text": "by April 2020", "start": None, "end": "2020-04-30", "offsets": [20, 33]}
    ]


def test_cli_rejects_a_bad_publication_date() -> None:
    result = CliRunner().invoke(_cli(), ["timex", "--published", "26/11/2019", "In July."])
    assert result.exit_code == 2
    assert "expected YYYY-MM-DD" in result.output


def test_cli_requires_a_sentence() -> None:
    result = CliRunner().invoke(_cli(), ["timex", "--published", "2019-11-26"])
    assert result.exit_code == 2


def test_a_time_with_no_verb_above_it_does_not_hang() -> None:
    """Regression: walking up to a verbless root used ``is`` on spaCy tokens (never true)."""
    import threading

    results: list = []
    worker = threading.Thread(
        target=lambda: results.append(tag_text("For buying in July.", date(2020, 1, 1))),
        daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert results, "the tagger did not return"
    assert [(t.text, t.interval.start) for t in results[0]] == [("in July", date(2019, 7, 1))]


@pytest.mark.parametrize(
    ("sentence", "published", "start", "end"),
    [
        ("Six aircraft landed at the airport over the weekend.", date(2022, 4, 11),
         date(2022, 4, 9), date(2022, 4, 10)),
        ("The jets arrived over the weekend.", date(2022, 4, 10), date(2022, 4, 9),
         date(2022, 4, 10)),
        ("The jets will arrive over the weekend.", date(2022, 4, 11), date(2022, 4, 16),
         date(2022, 4, 17)),
    ],
)
def test_the_weekend_follows_the_tense(sentence, published, start, end) -> None:
    [found] = tag_text(sentence, published)
    assert found.text == "over the weekend"
    assert (found.interval.start, found.interval.end) == (start, end)
