import pytest
from segmentation.learning.segment_key import derive_segment_key


@pytest.mark.parametrize(("title", "level"), [
    ("Software Engineering Intern", "intern"),
    ("Summer Internship - Data", "intern"),
    ("Co-op Student, Mechanical", "intern"),
    ("CO OP student", "intern"),
    ("JR Developer", "junior"),
    ("Jr. Data Analyst", "junior"),
    ("Junior Accountant", "junior"),
    ("Entry-Level Sales Representative", "junior"),
    ("entry level technician", "junior"),
    ("Graduate Quantity Surveyor", "junior"),
    ("Sr. Engineer", "senior"),
    ("SENIOR product manager", "senior"),
    ("Lead Developer", "senior"),
    ("Physiotherapy Team Lead", "senior"),
    ("Principal Research Scientist", "senior"),
    ("Staff Software Engineer", "senior"),
    ("Staff Engineer", "senior"),
    ("Software Engineer", "default"),
    ("Internal Auditor", "default"),  # whole words only
    ("Leader of the band", "default"),
    ("Senior Intern", "intern"),  # the lowest level named wins
    # one word list with the jobs service (text/seniority.py): its ranks count here too
    ("Chief of Staff", "senior"),  # "chief" is a rank; "staff" after "of" is not the tech ladder
    ("Head Chef", "senior"),
    ("Trainee Accountant", "intern"),
    ("Mid-Level Developer", "default"),  # jobs' "mid" is learning's "default"
])
def test_levels_match_whole_words_in_any_case_and_punctuation(title, level):
    assert derive_segment_key({"title": title}) == level


@pytest.mark.parametrize("title", [
    "Senior Living Caregiver",
    "senior citizens centre manager",
    "Lead Abatement Worker",
    "Lead Paint Inspector",
    "Lead Generation Specialist",
    "Data Entry Clerk",
    "data-entry officer",
    "Staff Nurse",
    "Staff Sergeant",
    "Bar Staff",
    "High School Principal",
    "Vice Principal",
    "Junior School Teacher",
    "Graduate Recruiter",
    "Internship Coordinator",
    "Internship Co-ordinator",
    "Co-op Store Assistant",
    "Recycling Co-ordinator",
])
def test_level_words_in_domain_phrases_are_not_levels(title):
    assert derive_segment_key({"title": title}) == "default"


@pytest.mark.parametrize("job", [None, {}, {"title": None}, {"title": "  "}, {"company": "Acme"}, "Senior Engineer",
                                 {"title": 42}])
def test_missing_job_data_has_no_segment_key(job):
    assert derive_segment_key(job) is None


def test_learning_keys_are_the_jobs_levels_with_mid_as_default():
    from segmentation.text.seniority import seniority_of
    for title in ("Senior Engineer", "Junior Developer", "Summer Intern", "Software Engineer", "Head Waiter"):
        assert derive_segment_key({"title": title}) == {"mid": "default"}.get(seniority_of(title), seniority_of(title))
