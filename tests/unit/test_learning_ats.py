import pytest
from segmentation.learning.ats import ats_family, normalize_host
from segmentation.platform.errors import InvalidInput


@pytest.mark.parametrize(("host", "family"), [
    ("boards.greenhouse.io", "greenhouse"),
    ("job-boards.eu.greenhouse.io", "greenhouse"),
    ("jobs.lever.co", "lever"),
    ("acme.wd5.myworkdayjobs.com", "workday"),
    ("jobs.ashbyhq.com", "ashby"),
    ("jobs.smartrecruiters.com", "smartrecruiters"),
    ("careers-acme.icims.com", "icims"),
    ("acme.taleo.net", "taleo"),
    ("acme.bamboohr.com", "bamboohr"),
    ("jobs.jobvite.com", "jobvite"),
    ("apply.workable.com", "workable"),
    ("greenhouse.io", "greenhouse"),
    ("notgreenhouse.io", "other"),  # the registrable domain must match, not a substring
    ("greenhouse.io.example.com", "other"),
    ("careers.acme.com", "other"),
])
def test_family_from_the_registrable_domain(host, family):
    assert ats_family(host) == family


def test_hosts_are_normalized():
    assert normalize_host(" Boards.Greenhouse.IO:443. ") == "boards.greenhouse.io"


@pytest.mark.parametrize("host", ["", "localhost", "https://boards.greenhouse.io/x", "a..b", "-a.com", "a b.com"])
def test_invalid_hosts_name_the_field(host):
    with pytest.raises(InvalidInput) as raised:
        normalize_host(host, field="query.host")
    assert raised.value.field == "query.host"
