import pytest
from segmentation.text.seniority import LEVELS, seniority_distribution, seniority_of


@pytest.mark.parametrize(("title", "level"), [
    ("Sr. Engineer", "senior"),
    ("Senior Software Engineer", "senior"),
    ("Software Engineer (Senior)", "senior"),
    ("Lead Developer", "senior"),
    ("Team Lead", "senior"),
    ("Principal Data Scientist", "senior"),
    ("Head of Sales", "senior"),
    ("Head Chef", "senior"),
    ("Deputy Head Teacher", "senior"),
    ("Chief Technology Officer", "senior"),
    ("VP Engineering", "senior"),
    ("Staff Software Engineer", "senior"),
    ("JR Developer", "junior"),
    ("Junior Accountant", "junior"),
    ("Entry-Level Analyst", "junior"),
    ("Graduate Software Engineer", "junior"),
    ("Co-op Student", "intern"),
    ("Software Engineering Co-op", "intern"),
    ("Marketing Intern", "intern"),
    ("Summer Internship - Finance", "intern"),
    ("Trainee Accountant", "intern"),
    ("Apprentice Electrician", "intern"),
    ("Placement Student, HR", "intern"),
    ("Senior Apprentice", "intern"),  # the lowest level named wins
])
def test_level_words_in_titles(title, level):
    assert seniority_of(title) == level


@pytest.mark.parametrize("title", [
    "Senior Living Caregiver",
    "Lead Abatement Worker",
    "Lead Generation Specialist",
    "Staff Nurse",
    "Head Office Clerk",
    "Print Head Repair Technician",
    "Head Hunter",
    "Graduate Recruiter",
    "Internship Coordinator",
    "Junior School Teacher",
    "Co-op Store Assistant",
    "Internal Auditor",
    "Sales Manager",
    "Funeral Director",
    "Sales Associate",
    "Software Engineer",
    "",
    None,
])
def test_traps_and_plain_titles_are_mid(title):
    assert seniority_of(title) == "mid"


@pytest.mark.parametrize(("text", "level"), [
    ("You bring 5+ years of Python.", "senior"),
    ("At least 7 years of experience in logistics.", "senior"),
    ("Minimum of 5 years' professional experience.", "senior"),
    ("5 years of experience required.", "senior"),
    ("No experience required, we train you.", "junior"),
    ("This is an entry-level position.", "junior"),
    ("With 20 years of experience, our company leads the market.", "mid"),  # the employer's, not a requirement
    ("At least 3 years of experience.", "mid"),
    ("3-5 years of experience required.", "mid"),
    ("You will supervise trainees and report to the senior manager.", "mid"),  # other people's levels
])
def test_text_only_explicit_requirements(text, level):
    assert seniority_of("Developer", text) == level


def test_title_takes_precedence_over_text():
    assert seniority_of("Junior Developer", "At least 7 years of experience.") == "junior"
    assert seniority_of("Mid-level Developer", "5+ years of experience.") == "mid"


def test_distribution_covers_all_levels_and_sums_to_one():
    shares = seniority_distribution(["senior", "mid", "mid", "intern"])
    assert list(shares) == list(LEVELS)
    assert shares == {"intern": 0.25, "junior": 0.0, "mid": 0.5, "senior": 0.25}
    assert sum(shares.values()) == pytest.approx(1.0)


def test_distribution_rejects_empty_or_unknown_levels():
    with pytest.raises(ValueError):
        seniority_distribution([])
    with pytest.raises(ValueError):
        seniority_distribution(["expert"])
