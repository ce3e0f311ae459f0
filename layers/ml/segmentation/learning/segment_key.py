"""The segment key of a learning event: the role level named by the job title.

Levels (the issue's word lists):
- intern: intern, internship, co-op;
- junior: junior, jr, entry (as "entry level"/"entry-level"), graduate;
- senior: senior, sr, lead, principal, staff;
- default: a title that names none of them; None when there is no job or no title.

Titles are read as lower-case whole words, so case and punctuation do not matter ("Sr. Engineer",
"Co-op Student", "JR Developer") and "internal" is not "intern".

Rule for the traps: a level word counts only when it qualifies the role, not when it is part of a
domain phrase. Concretely (see EXCEPTIONS and the per-word rules below):
- a level word followed by one of its listed domain words does not count ("senior living",
  "lead abatement", "lead paint", "lead generation", "junior school", "graduate recruiter",
  "internship coordinator", "co-op store");
- "entry" counts only in "entry level" ("data entry clerk" is a role, not a level);
- "staff" counts only in a technical role (the engineering ladder: "Staff Software Engineer": the title
  ends in engineer, developer, scientist, architect, designer or researcher);
  elsewhere it is a grade or a collective ("staff nurse", "staff sergeant", "bar staff", "chief of staff");
- "principal" counts only before another word ("principal engineer"); as the last word it names the
  head of a school ("high school principal", "vice principal");
- when a title names several levels the lowest wins ("Senior Intern" is an intern).
"""

import re
from typing import Any

LEVELS = ("intern", "junior", "senior", "default")

_TOKEN = re.compile(r"[^\W_]+")

# (level, phrase as words)
_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("intern", ("intern",)), ("intern", ("interns",)), ("intern", ("internship",)), ("intern", ("co", "op")),
    ("junior", ("junior",)), ("junior", ("jr",)), ("junior", ("entry", "level")), ("junior", ("graduate",)),
    ("senior", ("senior",)), ("senior", ("sr",)), ("senior", ("lead",)), ("senior", ("principal",)),
    ("senior", ("staff",)),
)

# Words that, right after the level word, make a domain phrase rather than a level.
_PROGRAMME = {"coordinator", "co", "manager", "programme", "program", "recruiter", "recruiters", "recruitment",
              "recruiting", "admissions", "school", "studies", "scheme"}
EXCEPTIONS: dict[tuple[str, ...], set[str]] = {
    ("senior",): {"living", "citizen", "citizens", "centre", "center", "home", "homes", "residence", "residences"},
    ("lead",): {"abatement", "paint", "poisoning", "generation", "generator", "acid", "smelter", "smelting",
                "removal", "hazard", "based", "free"},
    ("junior",): {"school", "schools", "high", "college", "league"},
    ("graduate",): _PROGRAMME,
    ("intern",): _PROGRAMME,
    ("internship",): _PROGRAMME,
    ("co", "op"): {"store", "stores", "shop", "supermarket", "bank", "grocery"},
}
_STAFF_ROLES = {"engineer", "engineers", "developer", "scientist", "architect", "designer", "researcher",
                "swe", "sre"}


def _counts(words: tuple[str, ...], tokens: list[str], start: int) -> bool:
    end = start + len(words)
    if tuple(tokens[start:end]) != words:
        return False
    following = tokens[end] if end < len(tokens) else None
    if following in EXCEPTIONS.get(words, ()):
        return False
    if words == ("staff",):
        return following is not None and tokens[-1] in _STAFF_ROLES
    if words == ("principal",):
        return following is not None
    return True


def title_level(title: str) -> str:
    """The level of a non-empty title: one of LEVELS."""
    tokens = _TOKEN.findall(title.lower())
    found = {level for level, words in _WORDS for start in range(len(tokens)) if _counts(words, tokens, start)}
    return min(found, key=LEVELS.index) if found else "default"


def derive_segment_key(job: Any) -> str | None:
    """The segment key of an event's `job` ({"title", ...}); None when there is no job or no title."""
    if not isinstance(job, dict):
        return None
    title = job.get("title")
    if not isinstance(title, str) or not title.strip():
        return None
    return title_level(title)
