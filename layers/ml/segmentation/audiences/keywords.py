"""Marketer vocabulary: the seed's semantic keyword groups and intent words, as data.

Marketers write "car-free households", "millennials", "eco-friendly"; the Census writes "No vehicle
available", "25 to 34 years", and the GSS asks about "improving and protecting the environment". Each
group below maps the phrasings a marketer uses (`triggers`, matched as whole words/phrases in the
lower-cased query, hyphens and spaces alike) to the catalog's own wording (`expansion`, searched with the
lexical index). A group names the variable type it describes, which also feeds intent detection.

The groups follow the seed's `semantic_keywords` (age_young, income_high, environmental, ... "20+ category
mappings"), written out for the ACS and GSS vocabulary. This list is the documented one (docs/audiences.md
points here); add a group by adding an entry.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class KeywordGroup:
    name: str
    type: str  # demographic | behavioral | psychographic
    triggers: tuple[str, ...]
    expansion: str


GROUPS: tuple[KeywordGroup, ...] = (
    # ---- generations and life stage (ACS age bands; GSS age, cohort)
    KeywordGroup("age_young", "demographic",
                 ("millennial", "millennials", "gen z", "gen-z", "genz", "zoomer", "zoomers", "gen y",
                  "young adult", "young adults", "young people", "twentysomething", "twentysomethings",
                  "young professionals", "youth"),
                 "age 18 to 24 years 25 to 34 years 20 to 24 years 25 to 29 years 30 to 34 years respondent age"),
    KeywordGroup("age_middle", "demographic",
                 ("gen x", "gen-x", "generation x", "middle aged", "middle-aged", "midlife"),
                 "age 35 to 44 years 45 to 54 years 40 to 44 years 45 to 49 years respondent age"),
    KeywordGroup("age_senior", "demographic",
                 ("baby boomer", "baby boomers", "boomer", "boomers", "senior", "seniors", "elderly",
                  "retiree", "retirees", "older adults", "pensioner", "pensioners", "silver"),
                 "age 65 years and over 65 to 74 years 75 years and over retired social security respondent age"),
    # ---- income and wealth
    KeywordGroup("income_high", "demographic",
                 ("affluent", "wealthy", "rich", "high income", "high-income", "high earner", "high earners",
                  "upscale", "luxury", "well off", "well-off", "six figure", "six-figure", "hnwi"),
                 "household income $200,000 or more $150,000 to $199,999 $100,000 to $149,999 family income "
                 "high income earnings"),
    KeywordGroup("income_low", "demographic",
                 ("low income", "low-income", "budget conscious", "budget-conscious", "struggling",
                  "poor", "poverty", "cash strapped", "cash-strapped", "underprivileged", "value shoppers"),
                 "income below poverty level less than $10,000 $10,000 to $14,999 food stamps snap public "
                 "assistance income"),
    # ---- household and family
    KeywordGroup("parents", "demographic",
                 ("parents", "parent", "moms", "mom", "mothers", "dads", "dad", "fathers", "families with kids",
                  "families with children", "young families", "soccer moms", "new parents", "households with kids"),
                 "own children under 18 years families with children household type number of children"),
    KeywordGroup("singles", "demographic",
                 ("singles", "single", "unmarried", "bachelors", "living alone", "solo"),
                 "never married householder living alone marital status single"),
    KeywordGroup("married", "demographic",
                 ("married", "couples", "newlyweds", "spouses"),
                 "married couple family marital status now married"),
    # ---- home and mobility
    KeywordGroup("car_free", "behavioral",
                 ("car-free", "car free", "carless", "no car", "no cars", "without a car", "without cars",
                  "non drivers", "non-drivers", "don't own a car", "do not own a car"),
                 "no vehicle available household vehicles available"),
    KeywordGroup("transit_riders", "behavioral",
                 ("transit riders", "public transport", "public transit", "commute by bus", "bus riders",
                  "subway riders", "train commuters", "commuters by train"),
                 "public transportation excluding taxicab means of transportation to work bus subway"),
    KeywordGroup("car_owners", "behavioral",
                 ("car owners", "drivers", "motorists", "auto intenders", "car buyers", "commuters who drive"),
                 "vehicles available car truck or van drove alone means of transportation to work"),
    KeywordGroup("homeowners", "demographic",
                 ("homeowner", "homeowners", "home owners", "own their home", "mortgage holders"),
                 "owner occupied housing units tenure mortgage home value"),
    KeywordGroup("renters", "demographic",
                 ("renter", "renters", "tenants", "apartment dwellers", "rent their home"),
                 "renter occupied housing units tenure gross rent contract rent"),
    KeywordGroup("remote_workers", "behavioral",
                 ("remote workers", "work from home", "wfh", "telecommuters", "home office"),
                 "worked from home means of transportation to work"),
    KeywordGroup("urban_rural", "demographic",
                 ("urban", "urbanites", "city dwellers", "rural", "countryside", "suburban", "suburbanites",
                  "small town"),
                 "urban rural size of place metropolitan area region"),
    # ---- education and work
    KeywordGroup("educated", "demographic",
                 ("college educated", "college-educated", "graduates", "grads", "degree holders", "educated",
                  "highly educated", "postgraduate", "students", "college students"),
                 "educational attainment bachelor's degree graduate or professional degree highest degree "
                 "school enrollment college"),
    KeywordGroup("professionals", "demographic",
                 ("professionals", "white collar", "white-collar", "executives", "managers", "blue collar",
                  "blue-collar", "self employed", "self-employed", "entrepreneurs", "small business owners",
                  "unemployed", "job seekers"),
                 "occupation management business science and arts occupations class of worker self-employed "
                 "employment status labor force"),
    KeywordGroup("veterans", "demographic",
                 ("veterans", "veteran", "military", "ex-military", "service members"),
                 "veteran status armed forces military service"),
    # ---- ethnicity and language
    KeywordGroup("hispanic", "demographic",
                 ("hispanic", "latino", "latina", "latinx", "spanish speaking", "spanish-speaking"),
                 "hispanic or latino origin spanish language spoken at home"),
    KeywordGroup("multicultural", "demographic",
                 ("immigrants", "foreign born", "foreign-born", "multicultural", "bilingual", "expats"),
                 "foreign born nativity place of birth language spoken at home citizenship"),
    # ---- values and attitudes (GSS)
    KeywordGroup("environmental", "psychographic",
                 ("green", "eco", "eco-friendly", "eco friendly", "sustainable", "sustainability",
                  "environmentally conscious", "environmentally friendly", "climate conscious", "climate",
                  "environmentalists", "conservationists", "planet", "recycling", "recyclers"),
                 "environment improving protecting the environment pollution climate change energy recycle "
                 "natural resources"),
    KeywordGroup("political_left", "psychographic",
                 ("liberal", "liberals", "progressive", "progressives", "democrat", "democrats", "left-leaning",
                  "left leaning"),
                 "political views liberal party identification democrat"),
    KeywordGroup("political_right", "psychographic",
                 ("conservative", "conservatives", "republican", "republicans", "right-leaning",
                  "right leaning", "maga"),
                 "political views conservative party identification republican"),
    KeywordGroup("political_engaged", "behavioral",
                 ("voters", "swing voters", "politically active", "activists", "undecided voters"),
                 "voted in election political party identification presidential election"),
    KeywordGroup("religious", "behavioral",
                 ("religious", "churchgoers", "church goers", "faithful", "faith-based", "faith based",
                  "christians", "spiritual", "devout", "evangelicals"),
                 "religious services attendance religion church pray religious preference strength of "
                 "affiliation"),
    KeywordGroup("happiness", "psychographic",
                 ("happy", "optimists", "optimistic", "satisfied", "content", "wellbeing", "well-being",
                  "stressed", "anxious", "lonely"),
                 "general happiness satisfaction with life happy stress mental health"),
    KeywordGroup("trusting", "psychographic",
                 ("trusting", "skeptics", "skeptical", "cynical", "distrustful", "trust"),
                 "can people be trusted confidence in institutions fair helpful"),
    KeywordGroup("health_conscious", "behavioral",
                 ("health conscious", "health-conscious", "fitness", "fit", "gym goers", "gym-goers",
                  "wellness", "healthy living", "exercise", "athletes", "smokers", "drinkers"),
                 "health condition exercise physical activity smoke drink alcohol health insurance"),
    KeywordGroup("insured", "demographic",
                 ("uninsured", "insured", "medicare", "medicaid"),
                 "health insurance coverage status"),
    # ---- media and digital (GSS behaviours)
    KeywordGroup("digital", "behavioral",
                 ("online", "internet users", "digital natives", "tech savvy", "tech-savvy", "early adopters",
                  "gamers", "social media users", "social media", "heavy internet users", "streamers",
                  "broadband"),
                 "internet use hours per week www email social media computer broadband internet subscription"),
    KeywordGroup("tv_news", "behavioral",
                 ("tv viewers", "television viewers", "couch potatoes", "news junkies", "news readers",
                  "newspaper readers", "cord cutters", "cord-cutters"),
                 "hours per day watching tv television read newspaper news"),
    KeywordGroup("shoppers", "behavioral",
                 ("shoppers", "buyers", "purchasers", "consumers", "spenders", "bargain hunters"),
                 "purchase buy spend consumer"),
    KeywordGroup("pet_owners", "behavioral",
                 ("pet owners", "dog owners", "cat owners", "pet lovers"),
                 "pets dog cat owns"),
    KeywordGroup("gun_owners", "behavioral",
                 ("gun owners", "hunters", "firearm owners"),
                 "have gun in home hunting firearm"),
)

# Intent words (the seed's intent_keywords, extended): a query using them asks for that type.
INTENT_WORDS: dict[str, tuple[str, ...]] = {
    "demographic": ("age", "aged", "gender", "sex", "male", "female", "men", "women", "location", "income",
                    "earning", "household", "households", "family", "families", "education", "educated",
                    "race", "ethnicity", "married", "children", "kids", "homeowners", "renters", "population",
                    "residents", "living", "live", "occupation", "employed", "retired"),
    "behavioral": ("purchase", "purchases", "purchasing", "buy", "buying", "bought", "engage", "engaged",
                   "use", "uses", "using", "watch", "watching", "read", "reading", "visit", "visiting",
                   "attend", "attending", "shop", "shopping", "commute", "commuting", "drive", "driving",
                   "vote", "voting", "travel", "traveling", "frequent", "habits", "activity", "active",
                   "users", "owners", "subscribers", "donate"),
    "psychographic": ("lifestyle", "lifestyles", "values", "value", "interests", "interested", "attitude",
                      "attitudes", "belief", "beliefs", "believe", "opinion", "opinions", "conscious",
                      "minded", "care", "cares", "concerned", "worried", "support", "supporters", "feel",
                      "feelings", "views", "motivated", "passionate", "enthusiasts", "lovers"),
}

_PHRASE_CACHE: dict[str, re.Pattern] = {}


def normalise(text: str) -> str:
    """Lower-case, hyphens/slashes as spaces, single spaces: 'Car-free' and 'car free' match alike."""
    return " ".join(re.sub(r"[-/_]+", " ", text.lower()).split())


def _pattern(phrase: str) -> re.Pattern:
    pattern = _PHRASE_CACHE.get(phrase)
    if pattern is None:
        pattern = re.compile(r"(?<![a-z0-9])" + re.escape(normalise(phrase)) + r"(?![a-z0-9])")
        _PHRASE_CACHE[phrase] = pattern
    return pattern


def matched_groups(query: str) -> list[KeywordGroup]:
    """The keyword groups one of whose triggers occurs in the query, in list order."""
    text = normalise(query)
    return [group for group in GROUPS if any(_pattern(t).search(text) for t in group.triggers)]


def detect_intent(query: str, groups: list[KeywordGroup] | None = None) -> dict[str, float]:
    """Share of intent evidence per type: intent words in the query and the types of matched groups.

    Returns {} when the query carries no intent signal; otherwise weights summing to 1.
    """
    text = normalise(query)
    words = set(re.findall(r"[a-z0-9]+", text))
    counts = {kind: float(len(words & set(vocabulary))) for kind, vocabulary in INTENT_WORDS.items()}
    for group in groups if groups is not None else matched_groups(query):
        counts[group.type] += 1.0
    total = sum(counts.values())
    return {kind: count / total for kind, count in counts.items() if count} if total else {}
