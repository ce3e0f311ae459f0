"""Seniority of a job ad (intern, junior, mid or senior) from its title and, failing that, its text.

The platform's one title-seniority classifier: the jobs service uses LEVELS as they are, the learning
service's segment keys (seed 004: intern/junior/senior/default) are the same levels with mid read as
"default" (learning/segment_key.py, SEGMENT_KEYS).

Rules (conservative: anything not covered is "mid"):
- Titles are read as lower-case word tokens, so case and punctuation do not matter ("Sr. Engineer",
  "JR Developer", "Co-op Student") and words only match whole ("internal" is not "intern").
- Level words in the title:
  intern: intern, interns, internship, trainee, apprentice, apprenticeship, placement student, co-op (at the
    end of the title or before student/position/term/placement: "Co-op Store Assistant" names a shop);
  junior: junior, jr, jnr, entry-level, graduate;
  mid: mid-level (only so that the text cannot override it);
  senior: senior, sr, snr, lead, principal (before another word: a title ending in "principal", as "High
    School Principal" or "Vice Principal", names the head of a school, a role), chief, head of, head (first
    word or right before the role noun:
    "Head Chef", "Deputy Head Teacher", "Department Head"; not "Print Head Repair Technician"), vice
    president, vp, managing director, and staff when
    the title ends in engineer/developer/scientist/architect/designer/researcher/swe/sre (the tech ladder;
    a "staff nurse" or "staff accountant" is the regular grade).
- Not level words: manager and director name role families (ESCO's managers are an occupation group; a
  "funeral director" or "film director" is a role, not a rank), associate means an entry grade in "sales
  associate" but a senior one in "associate director", and executive/assistant are just as ambiguous.
- A level word does not count when the next word makes a compound that names something else: "senior
  living", "lead abatement", "lead generation", "head office", "graduate recruiter", "internship
  coordinator", "junior school".
- When a title names several levels the lowest wins: a "Senior Apprentice" is still an apprentice.
- The text is read only when the title names no level, and only for explicit requirements: "5+ years",
  "at least/minimum N years of experience" or "N years of experience required" -> senior when N >= 5;
  "no (prior) experience required" or "entry-level position/role" -> junior. Level words in the text are
  ignored: ads name other people's levels ("you will train apprentices", "report to the senior manager").
"""

import re
from collections import Counter
from dataclasses import dataclass

LEVELS = ("intern", "junior", "mid", "senior")
SENIOR_MIN_YEARS = 5

_TOKEN = re.compile(r"[^\W_]+")
# Nouns after an intern/graduate word that make the title about a programme, not a trainee in it.
_PROGRAMME_NOUNS = ("recruiter recruiters recruitment recruiting coordinator co programme program scheme admissions "
                    "assessor advisor adviser mentor school studies tutor manager")


@dataclass(frozen=True)
class _Rule:
    words: tuple[str, ...]
    level: str
    not_before: frozenset[str]  # next words that form a non-level compound
    only_before: frozenset[str] | None  # when set, the next word must be one of these (or none)
    near_role: bool  # must start the title or be followed by one word at most (the role noun)
    title_ends: frozenset[str] | None  # when set, the title's last word must be one of these
    not_last: bool = False  # must be followed by another word

    def matches(self, tokens: list[str], start: int) -> bool:
        end = start + len(self.words)
        if tuple(tokens[start:end]) != self.words:
            return False
        following = tokens[end] if end < len(tokens) else None
        return (following not in self.not_before
                and (self.only_before is None or following is None or following in self.only_before)
                and (not self.near_role or start == 0 or end >= len(tokens) - 1)
                and (self.title_ends is None or tokens[-1] in self.title_ends)
                and (not self.not_last or following is not None))


def _rules(level: str, phrases: str, not_before: str = "", only_before: str | None = None,
           near_role: bool = False, title_ends: str | None = None, not_last: bool = False) -> list[_Rule]:
    """Rules for comma-separated phrases; word lists are space-separated."""
    def words(text: str | None) -> frozenset[str] | None:
        return None if text is None else frozenset(text.split())

    return [_Rule(tuple(phrase.split()), level, words(not_before), words(only_before), near_role, words(title_ends),
                  not_last) for phrase in phrases.split(",")]


_TITLE_RULES = [
    *_rules("intern", "trainee,apprentice,placement student"),
    *_rules("intern", "intern,interns,internship,apprenticeship", not_before=_PROGRAMME_NOUNS),
    *_rules("intern", "co op", only_before="student students position term placement"),
    *_rules("junior", "junior,jr,jnr", not_before="school schools high college league"),
    *_rules("junior", "entry level"),
    *_rules("junior", "graduate", not_before=_PROGRAMME_NOUNS),
    *_rules("mid", "mid level,midlevel"),
    *_rules("senior", "senior", not_before="living citizen citizens centre center home homes residence residences"),
    *_rules("senior", "sr,snr,chief,head of,vice president,vp,managing director"),
    *_rules("senior", "principal", not_last=True),
    *_rules("senior", "lead", not_before="abatement paint based poisoning generation generator acid smelter smelting "
                                         "removal hazard free"),
    *_rules("senior", "head", not_before="office offices hunter hunters hunting quarters", near_role=True),
    *_rules("senior", "staff", title_ends="engineer engineers developer scientist architect designer researcher "
                                          "swe sre"),
]

_PLUS_YEARS = re.compile(r"\b(\d{1,2})\s*(?:\+|plus)\s*(?:years?|yrs)\b")
_YEARS_OF_EXPERIENCE = re.compile(
    r"\b(at least|minimum(?: of)?|min\.?)?\s*\b(\d{1,2})\s*(?:(?:-|–|to)\s*\d{1,2}\s*)?(?:years?|yrs)['’]?"
    r"\s+(?:of\s+)?(?:[\w-]+\s+){0,3}?experience\b(\s+(?:is\s+)?(?:required|needed|necessary|preferred))?")
_JUNIOR_TEXT = re.compile(
    r"\bno (?:prior |previous |professional )?experience (?:is )?(?:required|necessary|needed)\b"
    r"|\bentry[- ]level (?:position|role|job|opportunity)\b")


def title_level(title: str) -> str | None:
    """The level a title names, or None when it names none (the text may then say; see seniority_of)."""
    return _title_level(title)


def _title_level(title: str) -> str | None:
    tokens = _TOKEN.findall(title.lower())
    found = {rule.level for rule in _TITLE_RULES for start in range(len(tokens)) if rule.matches(tokens, start)}
    return min(found, key=LEVELS.index) if found else None


def _required_years(text: str) -> list[int]:
    years = [int(match.group(1)) for match in _PLUS_YEARS.finditer(text)]
    # A bare "20 years of experience" is as often the employer's as a requirement.
    years += [int(match.group(2)) for match in _YEARS_OF_EXPERIENCE.finditer(text)
              if match.group(1) or match.group(3)]
    return years


def _text_level(text: str) -> str | None:
    text = text.lower()
    if any(years >= SENIOR_MIN_YEARS for years in _required_years(text)):
        return "senior"
    if _JUNIOR_TEXT.search(text):
        return "junior"
    return None


def seniority_of(title: str | None, text: str = "") -> str:
    """One of LEVELS; see the module docstring for the rules."""
    return (title and _title_level(title)) or _text_level(text) or "mid"


def seniority_distribution(levels: list[str]) -> dict[str, float]:
    """Share of each level in `levels` (non-empty), over all of LEVELS."""
    if not levels:
        raise ValueError("no levels to summarise")
    counts = Counter(levels)
    unknown = set(counts) - set(LEVELS)
    if unknown:
        raise ValueError(f"unknown seniority levels: {sorted(unknown)}")
    return {level: counts[level] / len(levels) for level in LEVELS}
