"""The ATS family of an application form's host.

A host belongs to a family when it is one of the family's registrable domains or a subdomain of one
(boards.greenhouse.io, company.wd5.myworkdayjobs.com); anything else is `other`. Matching is on whole
domain labels, so "notgreenhouse.io" is not greenhouse.
"""

import re

from segmentation.platform.errors import InvalidInput

ATS_DOMAINS: dict[str, tuple[str, ...]] = {
    "greenhouse": ("greenhouse.io",),
    "lever": ("lever.co",),
    "workday": ("myworkdayjobs.com", "myworkday.com", "myworkdaysite.com"),
    "ashby": ("ashbyhq.com",),
    "smartrecruiters": ("smartrecruiters.com",),
    "icims": ("icims.com",),
    "taleo": ("taleo.net",),
    "bamboohr": ("bamboohr.com",),
    "jobvite": ("jobvite.com",),
    "workable": ("workable.com",),
    "successfactors": ("successfactors.com", "successfactors.eu"),
    "recruitee": ("recruitee.com",),
    "teamtailor": ("teamtailor.com",),
    "personio": ("personio.de", "personio.com"),
    "breezy": ("breezy.hr",),
    "jazzhr": ("applytojob.com",),
}
FAMILIES = (*ATS_DOMAINS, "other")

_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalize_host(host: str, field: str = "host") -> str:
    """Lower-case, without port or trailing dot; InvalidInput unless it is a DNS host name."""
    value = host.strip().lower().rstrip(".")
    value = value.rsplit(":", 1)[0] if value.count(":") == 1 else value
    labels = value.split(".")
    if not value or len(value) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise InvalidInput(f"{field} must be a host name such as boards.greenhouse.io, not {host!r}", field=field)
    return value


def ats_family(host: str) -> str:
    """The family of a normalized host: one of FAMILIES."""
    for family, domains in ATS_DOMAINS.items():
        if any(host == domain or host.endswith("." + domain) for domain in domains):
            return family
    return "other"
