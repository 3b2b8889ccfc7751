"""The resolver on mentions of every kind, in and out of context, and the ``resolve`` command.

Systems cases are written against entries any reasonable systems list has (F-35, S-400,
Patriot...); they skip one by one when ``systems.tsv`` does not (yet) have the expected id.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from armstrack.cli.main import cli
from armstrack.kb import Entry, Listing, Match, load_kb, resolve_json


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def _need(kb, entry_id: str) -> None:
    if kb.get(entry_id) is None:
        pytest.skip(f"{entry_id} not in the knowledge base yet")


# --- states: names as news writes them -----------------------------------------------------

STATE_NAMES = [
    ("U.S.", "USA"),
    ("US", "USA"),
    ("USA", "USA"),
    ("the United States", "USA"),
    ("United States of America", "USA"),
    ("America", "USA"),
    ("Britain", "GBR"),
    ("the UK", "GBR"),
    ("UK", "GBR"),
    ("Great Britain", "GBR"),
    ("United Kingdom", "GBR"),
    ("South Korea", "KOR"),
    ("Republic of Korea", "KOR"),
    ("North Korea", "PRK"),
    ("DPRK", "PRK"),
    ("Turkey", "TUR"),
    ("Turkiye", "TUR"),
    ("Türkiye", "TUR"),
    ("the Netherlands", "NLD"),
    ("Holland", "NLD"),
    ("Russia", "RUS"),
    ("Russian Federation", "RUS"),
    ("Iran", "IRN"),
    ("Syria", "SYR"),
    ("Taiwan", "TWN"),
    ("Vietnam", "VNM"),
    ("Laos", "LAO"),
    ("Czech Republic", "CZE"),
    ("Czechia", "CZE"),
    ("Ivory Coast", "CIV"),
    ("Côte d'Ivoire", "CIV"),
    ("Burma", "MMR"),
    ("Myanmar", "MMR"),
    ("the UAE", "ARE"),
    ("UAE", "ARE"),
    ("the Emirates", "ARE"),
    ("United Arab Emirates", "ARE"),
    ("Saudi", "SAU"),
    ("Saudi Arabia", "SAU"),
    ("the Philippines", "PHL"),
    ("Congo", "COD"),
    ("DRC", "COD"),
    ("Republic of the Congo", "COG"),
    ("Congo-Brazzaville", "COG"),
    ("China", "CHN"),
    ("PRC", "CHN"),
    ("India", "IND"),
    ("Pakistan", "PAK"),
    ("Israel", "ISR"),
    ("Egypt", "EGY"),
    ("Algeria", "DZA"),
    ("Greece", "GRC"),
    ("Poland", "POL"),
    ("Ukraine", "UKR"),
    ("Germany", "DEU"),
    ("France", "FRA"),
    ("Italy", "ITA"),
    ("Spain", "ESP"),
    ("Sweden", "SWE"),
    ("Norway", "NOR"),
    ("Japan", "JPN"),
    ("Australia", "AUS"),
    ("Canada", "CAN"),
    ("Brazil", "BRA"),
    ("Mexico", "MEX"),
    ("Venezuela", "VEN"),
    ("Bolivia", "BOL"),
    ("Indonesia", "IDN"),
    ("Malaysia", "MYS"),
    ("Singapore", "SGP"),
    ("Thailand", "THA"),
    ("Bangladesh", "BGD"),
    ("Qatar", "QAT"),
    ("Kuwait", "KWT"),
    ("Oman", "OMN"),
    ("Bahrain", "BHR"),
    ("Jordan", "JOR"),
    ("Iraq", "IRQ"),
    ("Lebanon", "LBN"),
    ("Libya", "LBY"),
    ("Morocco", "MAR"),
    ("Nigeria", "NGA"),
    ("South Africa", "ZAF"),
    ("Ethiopia", "ETH"),
    ("Serbia", "SRB"),
    ("Hungary", "HUN"),
    ("Romania", "ROU"),
    ("Kazakhstan", "KAZ"),
    ("Azerbaijan", "AZE"),
    ("Armenia", "ARM"),
    ("Georgia", "GEO"),
    ("Belarus", "BLR"),
    ("Moldova", "MDA"),
    ("Tanzania", "TZA"),
    ("North Macedonia", "MKD"),
    ("Kosovo", "XKX"),
    ("East Timor", "TLS"),
    ("Soviet Union", "RUS"),
    ("USSR", "RUS"),
    ("Eswatini", "SWZ"),
    ("Cape Verde", "CPV"),
    ("Bosnia", "BIH"),
    ("Chad", "TCD"),
    ("Niger", "NER"),
    ("Guinea", "GIN"),
    ("Papua New Guinea", "PNG"),
    ("Equatorial Guinea", "GNQ"),
    ("Guinea-Bissau", "GNB"),
    ("New Zealand", "NZL"),
    ("Palestine", "PSE"),
    ("Scotland", "GBR"),
]


@pytest.mark.parametrize(("mention", "expected"), STATE_NAMES)
def test_state_names(kb, mention: str, expected: str) -> None:
    entry = kb.resolve(mention)
    assert entry is not None, mention
    assert (entry.id, entry.kind, entry.party, entry.state) == (
        expected,
        "state",
        expected,
        expected,
    )


CAPITALS = [
    ("Ankara", "TUR"),
    ("Moscow", "RUS"),
    ("Washington", "USA"),
    ("Beijing", "CHN"),
    ("New Delhi", "IND"),
    ("Tokyo", "JPN"),
    ("Seoul", "KOR"),
    ("Pyongyang", "PRK"),
    ("Tehran", "IRN"),
    ("Riyadh", "SAU"),
    ("Abu Dhabi", "ARE"),
    ("Doha", "QAT"),
    ("Cairo", "EGY"),
    ("Algiers", "DZA"),
    ("Islamabad", "PAK"),
    ("Kabul", "AFG"),
    ("Baghdad", "IRQ"),
    ("Damascus", "SYR"),
    ("Beirut", "LBN"),
    ("Amman", "JOR"),
    ("Jerusalem", "ISR"),
    ("London", "GBR"),
    ("Paris", "FRA"),
    ("Berlin", "DEU"),
    ("Rome", "ITA"),
    ("Madrid", "ESP"),
    ("Warsaw", "POL"),
    ("Kyiv", "UKR"),
    ("Kiev", "UKR"),
    ("Minsk", "BLR"),
    ("Athens", "GRC"),
    ("Stockholm", "SWE"),
    ("Oslo", "NOR"),
    ("Helsinki", "FIN"),
    ("Canberra", "AUS"),
    ("Ottawa", "CAN"),
    ("Brasilia", "BRA"),
    ("Brasília", "BRA"),
    ("Caracas", "VEN"),
    ("Taipei", "TWN"),
    ("Hanoi", "VNM"),
    ("Jakarta", "IDN"),
    ("Manila", "PHL"),
    ("Kuala Lumpur", "MYS"),
    ("Bangkok", "THA"),
    ("Dhaka", "BGD"),
    ("Baku", "AZE"),
    ("Yerevan", "ARM"),
    ("Tbilisi", "GEO"),
    ("Belgrade", "SRB"),
    ("Budapest", "HUN"),
    ("Pretoria", "ZAF"),
    ("Abuja", "NGA"),
    ("Addis Ababa", "ETH"),
    ("Naypyidaw", "MMR"),
    ("Tashkent", "UZB"),
    ("Astana", "KAZ"),
    ("Tripoli", "LBY"),
    ("Rabat", "MAR"),
    ("The Hague", "NLD"),
    ("Malé", "MDV"),
]


@pytest.mark.parametrize(("mention", "expected"), CAPITALS)
def test_capitals_stand_for_states(kb, mention: str, expected: str) -> None:
    match = kb.resolve_match(mention)
    assert match is not None, mention
    assert (match.entry.id, match.form) == (expected, "capital")


SEATS = [
    ("the Kremlin", "RUS"),
    ("Kremlin", "RUS"),
    ("the White House", "USA"),
    ("Capitol Hill", "USA"),
    ("Whitehall", "GBR"),
    ("Downing Street", "GBR"),
    ("the Elysee", "FRA"),
    ("Élysée", "FRA"),
    ("Zhongnanhai", "CHN"),
    ("Blue House", "KOR"),
    ("South Block", "IND"),
    ("Bankova", "UKR"),
    ("Çankaya", "TUR"),
    ("Quai d'Orsay", "FRA"),
]


@pytest.mark.parametrize(("mention", "expected"), SEATS)
def test_seats_of_power(kb, mention: str, expected: str) -> None:
    match = kb.resolve_match(mention)
    assert match is not None and match.entry.id == expected and match.form == "seat"


DEMONYMS = [
    ("Turkish", "TUR"),
    ("Emirati", "ARE"),
    ("Filipino", "PHL"),
    ("Philippine", "PHL"),
    ("American", "USA"),
    ("Russian", "RUS"),
    ("Soviet", "RUS"),
    ("South Korean", "KOR"),
    ("North Korean", "PRK"),
    ("Israeli", "ISR"),
    ("Iranian", "IRN"),
    ("British", "GBR"),
    ("French", "FRA"),
    ("German", "DEU"),
    ("Chinese", "CHN"),
    ("Indian", "IND"),
    ("Pakistani", "PAK"),
    ("Saudi", "SAU"),
    ("Qatari", "QAT"),
    ("Egyptian", "EGY"),
    ("Ukrainian", "UKR"),
    ("Polish", "POL"),
    ("Dutch", "NLD"),
    ("Swiss", "CHE"),
    ("Czech", "CZE"),
    ("Greek", "GRC"),
    ("Japanese", "JPN"),
    ("Taiwanese", "TWN"),
    ("Vietnamese", "VNM"),
    ("Azerbaijani", "AZE"),
    ("Azeri", "AZE"),
    ("Armenian", "ARM"),
    ("Syrian", "SYR"),
    ("Iraqi", "IRQ"),
    ("Algerian", "DZA"),
    ("Moroccan", "MAR"),
    ("Brazilian", "BRA"),
    ("Argentine", "ARG"),
    ("Serbian", "SRB"),
    ("Belarusian", "BLR"),
    ("Turks", "TUR"),
    ("Americans", "USA"),
    ("Israelis", "ISR"),
    ("Swedish", "SWE"),
    ("Norwegian", "NOR"),
    ("Finnish", "FIN"),
    ("Spanish", "ESP"),
    ("Italian", "ITA"),
    ("Australian", "AUS"),
    ("Canadian", "CAN"),
    ("Indonesian", "IDN"),
    ("Malaysian", "MYS"),
    ("Thai", "THA"),
    ("Bangladeshi", "BGD"),
    ("Nigerian", "NGA"),
    ("Kazakh", "KAZ"),
    ("Jordanian", "JOR"),
]


@pytest.mark.parametrize(("mention", "expected"), DEMONYMS)
def test_demonyms(kb, mention: str, expected: str) -> None:
    match = kb.resolve_match(mention)
    assert match is not None, mention
    assert match.entry.id == expected
    assert match.form in {"demonym", "name"}


INSTITUTIONS = [
    ("SSB", "TUR", "TUR:SSB"),
    ("Presidency of Defence Industries", "TUR", "TUR:SSB"),
    ("Savunma Sanayii Başkanlığı", "TUR", "TUR:SSB"),
    ("DSCA", "USA", "USA:DSCA"),
    ("State Department", "USA", "USA:STATE"),
    ("U.S. State Department", "USA", "USA:STATE"),
    ("Congress", "USA", "USA:CONGRESS"),
    ("the Pentagon", "USA", "USA:DOD"),
    ("Pentagon", "USA", "USA:DOD"),
    ("FSMTC", "RUS", "RUS:FSMTC"),
    ("DGA", "FRA", "FRA:DGA"),
    ("DAPA", "KOR", "KOR:DAPA"),
    ("BAAINBw", "DEU", "DEU:BAAINBW"),
    ("IDF", "ISR", "ISR:IDF"),
    ("PLA", "CHN", "CHN:PLA"),
    ("Indian Air Force", "IND", "IND:IAF"),
    ("Royal Air Force", "GBR", "GBR:ARMY"),
    ("Bundeswehr", "DEU", "DEU:BUNDESWEHR"),
    ("Russian Defence Ministry", "RUS", "RUS:MOD"),
    ("GRU", "RUS", "RUS:GRU"),
    ("Equipment Development Department", "CHN", "CHN:EDD"),
    ("IRGC", "IRN", "IRN:IRGC"),
    ("Israel Defense Forces", "ISR", "ISR:IDF"),
    ("Knesset", "ISR", "ISR:KNESSET"),
    ("Defense Security Cooperation Agency", "USA", "USA:DSCA"),
    ("FMV", "SWE", "SWE:FMV"),
    ("PLA Navy", "CHN", "CHN:PLA"),
    ("Turkish Armed Forces", "TUR", "TUR:TSK"),
]


@pytest.mark.parametrize(("mention", "state", "ref"), INSTITUTIONS)
def test_institutions(kb, mention: str, state: str, ref: str) -> None:
    match = kb.resolve_match(mention)
    assert match is not None, mention
    assert (match.entry.id, match.form, match.ref) == (state, "institution", ref)
    assert kb.institution(ref) is not None
    assert kb.get(ref) == kb.get(state)


ORGANISATIONS = [
    ("Rosoboronexport", "rosoboronexport", "RUS"),
    ("Almaz-Antey", "almaz-antey", "RUS"),
    ("Almaz Antey", "almaz-antey", "RUS"),
    ("Lockheed Martin", "lockheed-martin", "USA"),
    ("Lockheed", "lockheed-martin", "USA"),
    ("Raytheon", "rtx", "USA"),
    ("RTX", "rtx", "USA"),
    ("Raytheon Technologies", "rtx", "USA"),
    ("Boeing", "boeing", "USA"),
    ("Northrop Grumman", "northrop-grumman", "USA"),
    ("General Dynamics", "general-dynamics", "USA"),
    ("L3Harris", "l3harris", "USA"),
    ("Dassault Aviation", "dassault-aviation", "FRA"),
    ("Dassault", "dassault-aviation", "FRA"),
    ("Saab", "saab", "SWE"),
    ("Kongsberg", "kongsberg", "NOR"),
    ("Hanwha Aerospace", "hanwha-aerospace", "KOR"),
    ("Hanwha Defense", "hanwha-aerospace", "KOR"),
    ("Hyundai Rotem", "hyundai-rotem", "KOR"),
    ("KAI", "kai", "KOR"),
    ("Korea Aerospace Industries", "kai", "KOR"),
    ("Baykar", "baykar", "TUR"),
    ("Aselsan", "aselsan", "TUR"),
    ("Roketsan", "roketsan", "TUR"),
    ("TUSAS", "tai", "TUR"),
    ("Turkish Aerospace", "tai", "TUR"),
    ("Israel Aerospace Industries", "iai", "ISR"),
    ("IAI", "iai", "ISR"),
    ("Rafael", "rafael", "ISR"),
    ("Elbit Systems", "elbit", "ISR"),
    ("NORINCO", "norinco", "CHN"),
    ("AVIC", "avic", "CHN"),
    ("CASC", "casc", "CHN"),
    ("CASIC", "casic", "CHN"),
    ("HAL", "hal", "IND"),
    ("Hindustan Aeronautics", "hal", "IND"),
    ("BEL", "bel", "IND"),
    ("BAE Systems", "bae-systems", "GBR"),
    ("British Aerospace", "bae-systems", "GBR"),
    ("KNDS", "knds", "FRA"),
    ("Nexter", "knds", "FRA"),
    ("GIAT", "knds", "FRA"),
    ("Krauss-Maffei Wegmann", "krauss-maffei-wegmann", "DEU"),
    ("KMW", "krauss-maffei-wegmann", "DEU"),
    ("Rheinmetall", "rheinmetall", "DEU"),
    ("Leonardo", "leonardo", "ITA"),
    ("Finmeccanica", "leonardo", "ITA"),
    ("MBDA", "mbda", "FRA"),
    ("Thales", "thales", "FRA"),
    ("Thomson-CSF", "thales", "FRA"),
    ("Naval Group", "naval-group", "FRA"),
    ("DCNS", "naval-group", "FRA"),
    ("Airbus", "airbus", "FRA"),
    ("Eurocopter", "airbus", "FRA"),
    ("Embraer", "embraer", "BRA"),
    ("Fincantieri", "fincantieri", "ITA"),
    ("Navantia", "navantia", "ESP"),
    ("ThyssenKrupp Marine Systems", "tkms", "DEU"),
    ("TKMS", "tkms", "DEU"),
    ("United Aircraft Corporation", "uac", "RUS"),
    ("United Shipbuilding Corporation", "united-shipbuilding-corp", "RUS"),
    ("Rostec", "rostec", "RUS"),
    ("Uralvagonzavod", "uralvagonzavod", "RUS"),
    ("Sukhoi", "sukhoi", "RUS"),
    ("Kalashnikov Concern", "kalashnikov", "RUS"),
    ("Tactical Missiles Corporation", "tactical-missiles-corp", "RUS"),
    ("EDGE Group", "edge-group", "ARE"),
    ("Poongsan", "poongsan", "KOR"),
    ("LIG Nex1", "lig-nex1", "KOR"),
    ("Mitsubishi Heavy Industries", "mitsubishi-heavy-industries", "JPN"),
    ("Kawasaki Heavy Industries", "kawasaki", "JPN"),
    ("ST Engineering", "st-engineering", "SGP"),
    ("Ukroboronprom", "ukroboronprom", "UKR"),
    ("PGZ", "pgz", "POL"),
    ("Patria", "patria", "FIN"),
    ("Nammo", "nammo", "NOR"),
    ("Diehl Defence", "diehl", "DEU"),
    ("Hensoldt", "hensoldt", "DEU"),
    ("Safran", "safran", "FRA"),
    ("Rolls-Royce", "rolls-royce", "GBR"),
    ("GE Aerospace", "ge-aerospace", "USA"),
    ("Pratt & Whitney", "pratt-whitney", "USA"),
    ("Textron", "textron", "USA"),
    ("Bell Helicopter", "bell", "USA"),
    ("Sikorsky", "sikorsky", "USA"),
    ("Huntington Ingalls Industries", "huntington-ingalls", "USA"),
    ("Oshkosh Defense", "oshkosh", "USA"),
    ("AM General", "am-general", "USA"),
    ("General Atomics", "general-atomics", "USA"),
    ("DRDO", "drdo", "IND"),
    ("BrahMos Aerospace", "brahmos-aerospace", "IND"),
    ("Yugoimport", "yugoimport", "SRB"),
    ("Denel", "denel", "ZAF"),
    ("Mikoyan", "mig", "RUS"),
]


@pytest.mark.parametrize(("mention", "expected", "state"), ORGANISATIONS)
def test_organisations(kb, mention: str, expected: str, state: str) -> None:
    entry = kb.resolve(mention)
    assert entry is not None, mention
    assert (entry.id, entry.kind, entry.state, entry.party) == (
        expected,
        "organisation",
        state,
        state,
    )


NON_STATE = [
    ("NATO", "NATO"),
    ("North Atlantic Treaty Organization", "NATO"),
    ("African Union", "AU"),
    ("the UN", "UN"),
    ("United Nations", "UN"),
    ("EU", "EU"),
    ("European Union", "EU"),
    ("Hezbollah", "HEZBOLLAH"),
    ("Hizbollah", "HEZBOLLAH"),
    ("the Houthis", "HOUTHIS"),
    ("Ansar Allah", "HOUTHIS"),
    ("Peshmerga", "KRG"),
    ("Kurdistan Regional Government", "KRG"),
    ("Free Syrian Army", "SYRIAN-REBELS"),
    ("Hamas", "HAMAS"),
    ("the Taliban", "TALIBAN"),
    ("Wagner Group", "WAGNER"),
    ("Libyan National Army", "LNA"),
]


@pytest.mark.parametrize(("mention", "expected"), NON_STATE)
def test_non_state_parties(kb, mention: str, expected: str) -> None:
    entry = kb.resolve(mention)
    assert entry is not None, mention
    assert (entry.id, entry.kind, entry.category, entry.party, entry.state) == (
        expected,
        "state",
        "non-state",
        expected,
        None,
    )


# --- systems ----------------------------------------------------------------------------

SYSTEMS = [
    # mention, entry id, family id
    ("F-35", "f-35", "f-35"),
    ("F35", "f-35", "f-35"),
    ("F-35A", "f-35a", "f-35"),
    ("F-35s", "f-35", "f-35"),
    ("Joint Strike Fighter", "f-35", "f-35"),
    ("F-16", "f-16", "f-16"),
    ("F16", "f-16", "f-16"),
    ("F-16s", "f-16", "f-16"),
    ("F-16V", "f-16v", "f-16"),
    ("F-16 Block 70", "f-16-block-70", "f-16"),
    ("Fighting Falcon", "f-16", "f-16"),
    ("S-400", "s-400", "s-400"),
    ("S400", "s-400", "s-400"),
    ("S 400", "s-400", "s-400"),
    ("s-400", "s-400", "s-400"),
    ("S-400s", "s-400", "s-400"),
    ("S-400's", "s-400", "s-400"),
    ("Su-35", "su-35", "su-35"),
    ("Su-35SE", "su-35", "su-35"),
    ("Su35", "su-35", "su-35"),
    ("Patriot", "patriot", "patriot"),
    ("Patriots", "patriot", "patriot"),
    ("THAAD", "thaad", "thaad"),
    ("K2", "k2", "k2"),
    ("K2PL", None, "k2"),
    ("Leopard 2", "leopard-2", "leopard-2"),
    ("Leopard 2A7+", None, "leopard-2"),
    ("Leopard 2s", "leopard-2", "leopard-2"),
    ("Rafale", "rafale", "rafale"),
    ("Eurofighter Typhoon", "eurofighter-typhoon", "eurofighter-typhoon"),
    ("Gripen", "gripen", "gripen"),
    ("T-90", "t-90", "t-90"),
    ("T90", "t-90", "t-90"),
    ("HIMARS", "himars", "himars"),
    ("Javelin", "javelin", "javelin"),
    ("Harpoon", "harpoon", "harpoon"),
    ("Bayraktar TB2", "bayraktar-tb2", "bayraktar-tb2"),
    ("TB2", "bayraktar-tb2", "bayraktar-tb2"),
    ("J-10", "j-10", "j-10"),
    ("JF-17", "jf-17", "jf-17"),
    ("JF-17 Thunder", "jf-17", "jf-17"),
    ("MiG-29", "mig-29", "mig-29"),
    ("MiG-29s", "mig-29", "mig-29"),
    ("Apache", "ah-64", "ah-64"),
    ("AH-64", "ah-64", "ah-64"),
    ("AH-64E", None, "ah-64"),
    ("Black Hawk", "uh-60", "uh-60"),
    ("UH-60", "uh-60", "uh-60"),
    ("Iron Dome", "iron-dome", "iron-dome"),
    ("BrahMos", "brahmos", "brahmos"),
    ("Kalibr", "kalibr", "kalibr"),
    ("Type 054A", None, "type-054"),
    ("Arleigh Burke", "arleigh-burke", "arleigh-burke"),
    ("M1 Abrams", "m1-abrams", "m1-abrams"),
    ("Abrams", "m1-abrams", "m1-abrams"),
    ("Iskander", "iskander", "iskander"),
    ("Pantsir", "pantsir", "pantsir"),
    ("Triumf", "s-400", "s-400"),
    ("NASAMS", "nasams", "nasams"),
    ("Su-30MKI", None, "su-30"),
    ("MQ-9 Reaper", None, "mq-9"),
    ("Storm Shadow", "storm-shadow", "storm-shadow"),
    ("Tomahawk", "tomahawk", "tomahawk"),
    ("ATACMS", "atacms", "atacms"),
    ("M777", "m777", "m777"),
    ("CAESAR", "caesar", "caesar"),
    ("K9", "k9", "k9"),
    ("PzH 2000", "pzh-2000", "pzh-2000"),
    ("C-130", "c-130", "c-130"),
    ("A400M", "a400m", "a400m"),
    ("Kornet", "kornet", "kornet"),
    ("J-20", "j-20", "j-20"),
    ("Su-57", "su-57", "su-57"),
    ("HQ-9", "hq-9", "hq-9"),
]


@pytest.mark.parametrize(("mention", "entry_id", "family"), SYSTEMS)
def test_systems(kb, mention: str, entry_id: str | None, family: str) -> None:
    _need(kb, family)
    entry = kb.resolve(mention)
    assert entry is not None, mention
    assert entry.kind == "system"
    assert entry.family == family
    if entry_id is not None:
        assert entry.id == entry_id
    assert entry.family_name == kb.get(family).name
    assert entry.party is None and entry.origin == entry.state


def test_variant_suffix_keeps_the_written_variant(kb) -> None:
    _need(kb, "su-35")
    text = "Indonesia wanted the Su-35SE fighter."
    (m,) = [m for m in kb.find(text) if m.entry.kind == "system"]
    assert (m.text, m.start, m.end, m.entry.family, m.form) == (
        "Su-35SE",
        21,
        28,
        "su-35",
        "variant",
    )


def test_most_specific_existing_variant_wins(kb) -> None:
    _need(kb, "f-35a")
    (m,) = kb.find("an order for F-35As")
    assert (m.entry.id, m.text) == ("f-35a", "F-35As")


# --- ambiguity in context ------------------------------------------------------------------

WITH_AND_WITHOUT_CONTEXT = [
    # mention, military context, non-military context, entry expected in military context
    (
        "Patriot",
        "Poland bought Patriot missile batteries for its army.",
        "The Patriots beat the Jets on Sunday.",
        "patriot",
    ),
    (
        "Javelin",
        "Kyiv received Javelin anti-tank missiles from Washington.",
        "She won gold in the Javelin throw at the Olympics.",
        "javelin",
    ),
    (
        "Harpoon",
        "The navy test-fired a Harpoon anti-ship missile from the frigate.",
        "The old whaler lifted the Harpoon from the boat and waited for the fish.",
        "harpoon",
    ),
    (
        "Tiger",
        "France ordered Tiger attack helicopters for the army.",
        "Tiger Woods won the Masters golf tournament.",
        "tiger",
    ),
    (
        "Leopard",
        "Poland sent Leopard tanks to Ukraine's armed forces.",
        "A rare snow Leopard was filmed by the documentary crew.",
        "leopard-2",
    ),
]


@pytest.mark.parametrize(("mention", "military", "civil", "expected"), WITH_AND_WITHOUT_CONTEXT)
def test_word_like_systems_need_military_context(kb, mention, military, civil, expected) -> None:
    _need(kb, expected)
    mil = kb.resolve(mention, military)
    assert mil is not None and mil.kind == "system"
    assert kb.resolve(mention, civil) is None
    assert not [m for m in kb.find(civil) if m.entry.kind == "system"]


@pytest.mark.parametrize(
    "sentence",
    [
        "The Patriots beat the Jets 24-10 on Sunday night.",
        "He threw the javelin 80 metres.",
        "Tiger Woods leads after the first round.",
        "a snow leopard in the Himalayas",
        "Grandma roasted a turkey for Thanksgiving dinner.",
        "Let us go home.",
        "The guinea pig ate a carrot.",
    ],
)
def test_everyday_sentences_name_nothing(kb, sentence: str) -> None:
    assert kb.find(sentence) == []


COUNTRY_AMBIGUITY = [
    # text, mention, expected (None = not the country)
    ("Michael Jordan scored 40 points.", "Jordan", None),
    ("Jordan received F-16 fighters from the United States.", "Jordan", "JOR"),
    ("Egypt, Jordan and Iraq signed the deal.", "Jordan", "JOR"),
    ("King Abdullah of Jordan visited Washington.", "Jordan", "JOR"),
    ("Jordan Peterson gave a lecture.", "Jordan", None),
    ("The governor of Georgia signed the bill in Atlanta.", "Georgia", None),
    ("Georgia bought French air defence systems, Tbilisi said.", "Georgia", "GEO"),
    ("Russia and Georgia fought a war in 2008.", "Georgia", "GEO"),
    ("Chad Smith played the drums.", "Chad", None),
    ("Chad received armoured vehicles from the UAE.", "Chad", "TCD"),
    ("Defence minister Israel Katz said the army was ready.", "Israel", None),
    ("Israel bought F-35 fighters.", "Israel", "ISR"),
    ("Turkey bought S-400 systems from Russia.", "Turkey", "TUR"),
    ("Turkey is the centrepiece of a Thanksgiving dinner recipe.", "Turkey", None),
    ("The factory is in New Jersey.", "Jersey", None),
    ("The Washington Post reported the sale.", "Washington", None),
    ("Washington approved the sale to Taipei.", "Washington", "USA"),
    ("The Indian Ocean is vast.", "Indian", None),
    ("The Indian Navy commissioned a frigate.", "Indian Navy", "IND"),
]


@pytest.mark.parametrize(("text", "mention", "expected"), COUNTRY_AMBIGUITY)
def test_country_names_in_context(kb, text: str, mention: str, expected: str | None) -> None:
    entry = kb.resolve(mention, text)
    assert (entry.id if entry else None) == expected
    found = [m.entry.id for m in kb.find(text) if m.text.startswith(mention)]
    assert (found[0] if found else None) == expected


def test_case_sensitivity_of_short_abbreviations(kb) -> None:
    assert kb.resolve("us") is None
    assert kb.find("Let us see.") == []
    assert [m.entry.id for m in kb.find("The US and the UK agreed.")] == ["USA", "GBR"]
    assert kb.find("the uk") == []
    assert kb.resolve("ssb") is None


def test_lower_case_names_are_not_countries_in_running_text(kb) -> None:
    assert kb.find("a plate of fine china and a roast turkey") == []
    assert kb.resolve("russia") is not None  # a mention asked for directly is read leniently


def test_plural_s_only_where_plurals_exist(kb) -> None:
    assert kb.find("the Americas and the Chinas") == []
    assert [m.text for m in kb.find("Two Americans and three Canadians")] == [
        "Americans",
        "Canadians",
    ]


def test_no_english_words_read_as_spaced_designations(kb) -> None:
    text = "Shares rose at 7 a.m. as the S&P's 500 index hit a 10-year high; Poor's 500 fell."
    assert [m for m in kb.find(text) if m.entry.kind == "system"] == []


def test_no_match_inside_words(kb) -> None:
    assert [m.text for m in kb.find("Iranian and Omani officials in Omaha")] == ["Iranian", "Omani"]
    assert kb.find("business thus focus") == []
    assert [m.text for m in kb.find("Nigeria and Niger")] == ["Nigeria", "Niger"]


def test_unicode_and_punctuation_variants(kb) -> None:
    assert kb.resolve("TÜRKIYE").id == "TUR"
    assert kb.resolve("Türkiye’s").id == "TUR"
    text = "Turkish Defense Minister Fikri Işık told NTV."
    (m,) = kb.find(text)
    assert (m.text, m.entry.id, m.form) == ("Turkish", "TUR", "demonym")


# --- find on whole sentences ---------------------------------------------------------------


def test_find_sentence_with_offsets(kb) -> None:
    _need(kb, "s-400")
    _need(kb, "f-35")
    text = (
        "Such a move could further sour ties between Turkey and the United States, which has "
        "suspended Ankara from the F-35 program for buying S-400 batteries from Moscow."
    )
    got = [(m.start, m.end, m.text, m.entry.id, m.form) for m in kb.find(text)]
    assert got == [
        (44, 50, "Turkey", "TUR", "name"),
        (59, 72, "United States", "USA", "name"),
        (94, 100, "Ankara", "TUR", "capital"),
        (110, 114, "F-35", "f-35", "name"),
        (134, 139, "S-400", "s-400", "name"),
        (155, 161, "Moscow", "RUS", "capital"),
    ]
    for m in kb.find(text):
        assert text[m.start : m.end] == m.text


def test_find_possessives_and_institutions(kb) -> None:
    text = (
        "Rosoboronexport's head said the Kremlin and Turkey's SSB were discussing more "
        "S-400s, while the U.S. State Department warned of CAATSA sanctions."
    )
    got = [(m.text, m.entry.id, m.form, m.ref) for m in kb.find(text)]
    assert got[:4] == [
        ("Rosoboronexport", "rosoboronexport", "name", None),
        ("the Kremlin", "RUS", "seat", None),
        ("Turkey", "TUR", "name", None),
        ("SSB", "TUR", "institution", "TUR:SSB"),
    ]
    assert ("U.S. State Department", "USA", "institution", "USA:STATE") in got
    if kb.get("s-400"):
        assert ("S-400s", "s-400", "name", None) in got


def test_find_is_leftmost_longest_and_non_overlapping(kb) -> None:
    text = "South Korea's Hanwha Aerospace and North Korean and South African officials met."
    got = [(m.text, m.entry.id) for m in kb.find(text)]
    assert got == [
        ("South Korea", "KOR"),
        ("Hanwha Aerospace", "hanwha-aerospace"),
        ("North Korean", "PRK"),
        ("South African", "ZAF"),
    ]
    spans = [(m.start, m.end) for m in kb.find(text)]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_find_on_seed_articles(kb) -> None:
    import pathlib

    seeds = sorted(pathlib.Path(__file__).parents[2].joinpath("shared", "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("shared seeds not available")
    for path in seeds:
        text = path.read_text(encoding="utf-8")
        matches = kb.find(text)
        ids = {m.entry.id for m in matches}
        assert {"RUS", "TUR", "rosoboronexport"} <= ids
        for m in matches:
            assert text[m.start : m.end] == m.text


# --- the other API ---------------------------------------------------------------------------


def test_get_and_entry_types(kb) -> None:
    tur = kb.get("TUR")
    assert isinstance(tur, Entry) and tur.kind == "state" and tur.category == "state"
    assert kb.get("rosoboronexport").parent == "rostec"
    assert kb.get("no-such-thing") is None
    assert isinstance(kb.find("Turkey")[0], Match)


def test_sanctions(kb) -> None:
    listings = kb.sanctions_for("rosoboronexport")
    assert listings and all(isinstance(x, Listing) for x in listings)
    assert any(x.list == "us-caatsa-231" and x.date_listed == "2017-10-27" for x in listings)
    ssb = kb.sanctions_for("TUR:SSB")
    assert any(x.list == "us-caatsa-231" and x.date_listed == "2020-12-14" for x in ssb)
    assert any(x.list == "us-caatsa-231" for x in kb.sanctions_for("CHN:EDD"))
    assert kb.sanctions_for("lockheed-martin") == []
    # a state carries its institutions' listings; with related=True, its companies' too
    assert any(x.entity == "TUR:SSB" for x in kb.sanctions_for("TUR"))
    assert not any(x.entity == "rosoboronexport" for x in kb.sanctions_for("RUS"))
    assert any(x.entity == "rosoboronexport" for x in kb.sanctions_for("RUS", related=True))
    assert any(x.entity == "RUS" for x in kb.sanctions_for("RUS"))


def test_terms_cover_every_kind(kb) -> None:
    terms = dict(kb.terms())
    assert terms["ankara"].id == "TUR"
    assert terms["rosoboronexport"].id == "rosoboronexport"
    assert all(k == k.lower() for k in terms)
    assert {e.kind for e in terms.values()} >= {"state", "organisation"}
    # forms only safe with case/context rules are left out unless asked for
    assert "us" not in terms and "uk" not in terms
    assert "us" in dict(kb.terms(all_forms=True))


def test_load_kb_is_cached() -> None:
    assert load_kb() is load_kb()


def test_unknown_and_empty_mentions(kb) -> None:
    assert kb.resolve("") is None
    assert kb.resolve("Zzyzx Widget Corp") is None


# --- the command -------------------------------------------------------------------------------


def test_resolve_json_shape() -> None:
    out = resolve_json("Ankara", None)
    assert {k: out[k] for k in ("text", "kind", "id", "name", "state")} == {
        "text": "Ankara",
        "kind": "state",
        "id": "TUR",
        "name": "Turkey",
        "state": "TUR",
    }
    assert resolve_json("Qwxz", None)["kind"] is None


def test_cli_resolve_prints_json_lines() -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["resolve", "Ankara", "Rosoboronexport", "Nowhere Land"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["kind"], r["id"], r["state"]) for r in rows] == [
        ("state", "TUR", "TUR"),
        ("organisation", "rosoboronexport", "RUS"),
        (None, None, None),
    ]
    assert rows[2]["text"] == "Nowhere Land" and rows[2]["name"] is None


def test_cli_resolve_uses_context() -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["resolve", "Jordan", "--context", "Michael Jordan scored 40 points."]
    )
    assert result.exit_code == 0
    assert json.loads(result.output)["id"] is None
    result = runner.invoke(cli, ["resolve", "Jordan", "--context", "Jordan bought F-16s."])
    assert json.loads(result.output)["id"] == "JOR"
