"""Words the synthetic records are made of.

Invented place and people names (so no real actor is misquoted), real ISO
codes, and summaries in the tracker's own phrasing per stance, so that text
search finds realistic numbers of matches for words like "ceasefire".
"""

from __future__ import annotations

from responses.choices import EventKind, MeasureKind, MeasureStatus, SourceKind, Stance


def words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


COUNTRIES = words(
    "AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA "
    "CD CF CG CH CI CL CM CN CO CR CU CV CY CZ DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FM "
    "FR GA GB GD GE GH GM GN GQ GR GT GW GY HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP KE "
    "KG KH KI KM KN KP KR KW KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM "
    "MN MR MT MU MV MW MX MY MZ NA NE NG NI NL NO NP NR NZ OM PA PE PG PH PK PL PT PW PY QA "
    "RO RS RU RW SA SB SC SD SE SG SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TH TJ TL TM TN "
    "TO TR TT TV TZ UA UG US UY UZ VC VE VN VU WS YE ZA ZM ZW"
)

# Syllables of invented names: deterministic, pronounceable, searchable.
ONSETS = words("b br c d dr f g gr k l m n p pr r s st t tr v z")
VOWELS = words("a e i o u ia ea ou")
CODAS = words("n r l s th nd rk st")
STATE_FORMS = ("Republic of {}", "Kingdom of {}", "Federation of {}", "{}", "State of {}")
FIRST_NAMES = words(
    "Amina Boris Chen Dara Elena Farid Goran Hana Ivan Jana Karim Lena Mateo Nadia Omar "
    "Pavel Quinn Rosa Samir Tamar Umar Vera Wen Ximena Yusuf Zora"
)
BODY_FORMS = (
    "Ministry of Foreign Affairs of {}",
    "Ministry of Defence of {}",
    "Parliament of {}",
    "Office of the President of {}",
    "Security Council of {}",
)
ORGANIZATION_FORMS = (
    "{} Cooperation Council",
    "{} Development Organization",
    "Union of {} States",
    "{} Treaty Organization",
    "{} Security Pact",
    "Friends of {}",
    "{} Relief Network",
)

OUTLETS = (
    "Daily Ledger",
    "Morning Courier",
    "Global Wire",
    "Evening Standard Post",
    "Continental Times",
    "Press Agency International",
    "The Observer Review",
    "Capital Herald",
    "World Service News",
    "Frontline Dispatch",
    "Harbor Gazette",
    "Northern Chronicle",
)

LANGUAGES = ("en", "fr", "es", "ar", "ru", "uk", "zh", "de")
LANGUAGE_WEIGHTS = (70, 7, 6, 5, 5, 4, 2, 1)

EVENT_KIND_WEIGHTS = {
    EventKind.AIR_STRIKE: 18,
    EventKind.DRONE_STRIKE: 22,
    EventKind.MISSILE_STRIKE: 16,
    EventKind.GROUND_ASSAULT: 14,
    EventKind.DIPLOMATIC_CONTACT: 14,
    EventKind.SUMMIT: 6,
    EventKind.CEASEFIRE: 4,
    EventKind.OTHER: 6,
}
EVENT_TITLES = {
    EventKind.AIR_STRIKE: "Air strike on {place}",
    EventKind.DRONE_STRIKE: "Drone strike on {place}",
    EventKind.MISSILE_STRIKE: "Missile strike on {place}",
    EventKind.GROUND_ASSAULT: "Ground assault near {place}",
    EventKind.DIPLOMATIC_CONTACT: "Talks between {a} and {b}",
    EventKind.SUMMIT: "Summit in {place}",
    EventKind.CEASEFIRE: "Ceasefire around {place}",
    EventKind.OTHER: "Incident in {place}",
}
STRIKE_KINDS = frozenset(
    {
        EventKind.AIR_STRIKE,
        EventKind.DRONE_STRIKE,
        EventKind.MISSILE_STRIKE,
        EventKind.GROUND_ASSAULT,
    }
)

# Condemnation dominates real response data; threats are comparatively rare.
STANCE_WEIGHTS = {
    Stance.CONDEMN: 22,
    Stance.CRITICIZE: 12,
    Stance.ACCUSE: 8,
    Stance.DEMAND_ACCOUNTABILITY: 6,
    Stance.URGE_CEASEFIRE: 12,
    Stance.CALL_FOR_TALKS: 9,
    Stance.CALL_FOR_RESTRAINT: 8,
    Stance.APPEAL_FOR_SUPPORT: 5,
    Stance.EXPRESS_SUPPORT: 8,
    Stance.JUSTIFY: 3,
    Stance.THREATEN: 4,
    Stance.OTHER: 3,
}
# Codes consistent with each stance (CAMEO 1.1b3), in the order a coder reaches for them.
CAMEO_CODES = {
    Stance.CONDEMN: ("111",),
    Stance.CRITICIZE: ("110", "111"),
    Stance.ACCUSE: ("112", "1121", "1122", "1123", "1124"),
    Stance.DEMAND_ACCOUNTABILITY: ("101",),
    Stance.URGE_CEASEFIRE: ("0256", "107"),
    Stance.CALL_FOR_TALKS: ("026", "028"),
    Stance.CALL_FOR_RESTRAINT: ("0256",),
    Stance.APPEAL_FOR_SUPPORT: ("023", "0232", "0233"),
    Stance.EXPRESS_SUPPORT: ("051", "053"),
    Stance.JUSTIFY: ("052",),
    Stance.THREATEN: ("1312", "1311", "1313", "138"),
    Stance.OTHER: ("010",),
}
SUMMARIES = {
    Stance.CONDEMN: "Condemns the {what} as a violation of sovereignty and international law.",
    Stance.CRITICIZE: "Criticizes the escalation around {place} and its toll on civilians.",
    Stance.ACCUSE: "Accuses {target} of deliberately targeting civilians in {place}.",
    Stance.DEMAND_ACCOUNTABILITY: "Demands accountability from {target} for the {what}.",
    Stance.URGE_CEASEFIRE: "Urges an immediate ceasefire around {place}.",
    Stance.CALL_FOR_TALKS: "Calls for peace talks between the parties after the {what}.",
    Stance.CALL_FOR_RESTRAINT: "Calls for restraint and diplomatic solutions after the {what}.",
    Stance.APPEAL_FOR_SUPPORT: "Appeals for international support to bolster its defence.",
    Stance.EXPRESS_SUPPORT: "Expresses support for {target} and its territorial integrity.",
    Stance.JUSTIFY: "Justifies the {what}, citing security concerns.",
    Stance.THREATEN: "Threatens additional sanctions on {target} if hostile actions continue.",
    Stance.OTHER: "Comments on the {what} without taking a side.",
}
QUOTES = (
    "This is a blatant violation of our sovereignty.",
    "We call on all sides to stop the fighting now.",
    "Those responsible will be held to account.",
    "Our territorial integrity is paramount.",
    "We will respond if such hostile actions continue.",
    "Dialogue is the only way forward.",
)

SOURCE_KIND_WEIGHTS = {
    SourceKind.NEWS_ARTICLE: 60,
    SourceKind.OFFICIAL_STATEMENT: 20,
    SourceKind.PRESS_RELEASE: 10,
    SourceKind.RESOLUTION: 3,
    SourceKind.SOCIAL_MEDIA: 6,
    SourceKind.OTHER: 1,
}

MEASURE_KIND_WEIGHTS = {
    MeasureKind.SANCTIONS: 30,
    MeasureKind.ARMS_EMBARGO: 5,
    MeasureKind.TRADE_RESTRICTION: 8,
    MeasureKind.ASSET_FREEZE: 8,
    MeasureKind.TRAVEL_BAN: 6,
    MeasureKind.DIPLOMATIC_EXPULSION: 5,
    MeasureKind.MILITARY_AID: 12,
    MeasureKind.FINANCIAL_AID: 9,
    MeasureKind.HUMANITARIAN_AID: 8,
    MeasureKind.PEACEKEEPING: 2,
    MeasureKind.INVESTIGATION: 4,
    MeasureKind.OTHER: 3,
}
AID_KINDS = frozenset(
    {MeasureKind.MILITARY_AID, MeasureKind.FINANCIAL_AID, MeasureKind.HUMANITARIAN_AID}
)
CURRENCIES = ("USD", "EUR", "GBP", "JPY")
# Where measures start: most are first heard of as threats (TIES).
FIRST_STATUS_WEIGHTS: dict[str, int] = {
    MeasureStatus.THREATENED: 55,
    MeasureStatus.PROPOSED: 15,
    MeasureStatus.ADOPTED: 15,
    MeasureStatus.IN_FORCE: 15,
}
# How likely a measure moves on from each status, and where to.
NEXT_STATUS_WEIGHTS: dict[str, dict[str, int]] = {
    MeasureStatus.THREATENED: {
        MeasureStatus.PROPOSED: 20,
        MeasureStatus.ADOPTED: 15,
        MeasureStatus.IN_FORCE: 10,
        MeasureStatus.WITHDRAWN: 10,
        MeasureStatus.LAPSED: 15,
    },
    MeasureStatus.PROPOSED: {
        MeasureStatus.ADOPTED: 40,
        MeasureStatus.IN_FORCE: 10,
        MeasureStatus.WITHDRAWN: 10,
        MeasureStatus.LAPSED: 10,
    },
    MeasureStatus.ADOPTED: {MeasureStatus.IN_FORCE: 60, MeasureStatus.WITHDRAWN: 5},
    MeasureStatus.IN_FORCE: {MeasureStatus.SUSPENDED: 8, MeasureStatus.LIFTED: 25},
    MeasureStatus.SUSPENDED: {MeasureStatus.IN_FORCE: 30, MeasureStatus.LIFTED: 30},
}
MOVE_ON_PERCENT: dict[str, int] = {
    MeasureStatus.THREATENED: 45,
    MeasureStatus.PROPOSED: 60,
    MeasureStatus.ADOPTED: 60,
    MeasureStatus.IN_FORCE: 35,
    MeasureStatus.SUSPENDED: 70,
}
