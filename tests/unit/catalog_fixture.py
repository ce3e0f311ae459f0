"""A small variable catalog built by the real build code (segmentation.audiences.catalog_build) from a
handful of ACS and GSS records, embedded with the project's ONNX encoder: unit tests of the catalog and
the search need it, never the full set-up build."""

from pathlib import Path

from segmentation.audiences import catalog_build as build
from segmentation.audiences.dense import encoder_model_file, query_encoder


def _acs(label: str, concept: str, group: str) -> dict:
    return {"label": label, "concept": concept, "group": group, "predicateType": "int"}


ACS = {
    "detail": {"variables": {
        "for": {"label": "Census API FIPS 'for' clause", "concept": "Census API Geography Specification",
                "group": "N/A"},
        "B08201_001E": _acs("Estimate!!Total:", "HOUSEHOLD SIZE BY VEHICLES AVAILABLE", "B08201"),
        "B08201_002E": _acs("Estimate!!Total:!!No vehicle available", "HOUSEHOLD SIZE BY VEHICLES AVAILABLE",
                            "B08201"),
        "B08201_003E": _acs("Estimate!!Total:!!1 vehicle available", "HOUSEHOLD SIZE BY VEHICLES AVAILABLE",
                            "B08201"),
        "B08201_002M": _acs("Margin of Error!!Total:!!No vehicle available", "HOUSEHOLD SIZE BY VEHICLES AVAILABLE",
                            "B08201"),
        "B19013_001E": _acs("Estimate!!Median household income in the past 12 months (in 2019 inflation-adjusted "
                            "dollars)", "MEDIAN HOUSEHOLD INCOME IN THE PAST 12 MONTHS (IN 2019 INFLATION-ADJUSTED "
                            "DOLLARS)", "B19013"),
        "B19001_017E": _acs("Estimate!!Total:!!$200,000 or more", "HOUSEHOLD INCOME IN THE PAST 12 MONTHS (IN "
                            "2019 INFLATION-ADJUSTED DOLLARS)", "B19001"),
        "B01001_011E": _acs("Estimate!!Total:!!Male:!!25 to 29 years", "SEX BY AGE", "B01001"),
        "B01002_001E": _acs("Estimate!!Median age --!!Total:", "MEDIAN AGE BY SEX", "B01002"),
        "B19301_001E": _acs("Estimate!!Per capita income in the past 12 months (in 2019 inflation-adjusted "
                            "dollars)", "PER CAPITA INCOME IN THE PAST 12 MONTHS (IN 2019 INFLATION-ADJUSTED "
                            "DOLLARS)", "B19301"),
        "B07007PR_019E": _acs("Estimate!!Total:!!Moved from different municipio:", "GEOGRAPHICAL MOBILITY IN THE "
                              "PAST YEAR FOR CURRENT RESIDENCE IN PUERTO RICO", "B07007PR"),
        "B15003_022E": _acs("Estimate!!Total:!!Bachelor's degree", "EDUCATIONAL ATTAINMENT FOR THE POPULATION 25 "
                            "YEARS AND OVER", "B15003"),
    }},
    "subject": {"variables": {
        "S0801_C01_009E": _acs("Estimate!!Total!!Workers 16 years and over!!MEANS OF TRANSPORTATION TO WORK!!"
                               "Public transportation (excluding taxicab)", "COMMUTING CHARACTERISTICS BY SEX",
                               "S0801"),
    }},
    "profile": {"variables": {
        "DP02_0068PE": _acs("Percent!!EDUCATIONAL ATTAINMENT!!Population 25 years and over!!Bachelor's degree or "
                            "higher", "SELECTED SOCIAL CHARACTERISTICS IN THE UNITED STATES", "DP02"),
    }},
    "cprofile": {"variables": {}},
}

GSS = [
    {"variable": "partyid", "description": "political party affiliation",
     "question": "Generally speaking, do you usually think of yourself as a Republican, Democrat, Independent?",
     "value_labels": "[0] strong democrat / [1] not very strong democrat / [6] strong republican / "
                     "[NA(d)] don't know", "subjects": ["Political"], "modules": ["Core"]},
    {"variable": "natenvir", "description": "improving & protecting environment",
     "question": "Are we spending too much, too little, or about the right amount on improving and protecting "
                 "the environment?", "value_labels": "[1] too little / [2] about right / [3] too much",
     "subjects": ["Environment", "Spending", "Split Ballots"], "modules": ["Core"]},
    {"variable": "tvhours", "description": "hours per day watching tv",
     "question": "On the average day, about how many hours do you personally watch television?",
     "value_labels": "[0] 0 hours / [24] 24 hours", "subjects": ["Television Viewing"], "modules": ["Core"]},
    {"variable": "attend", "description": "how often r attends religious services",
     "question": "How often do you attend religious services?",
     "value_labels": "[0] never / [8] several times a week", "subjects": ["Religion"], "modules": ["Core"]},
    {"variable": "age", "description": "age of respondent", "question": "RESPONDENT'S AGE",
     "value_labels": "[89] 89 or older", "subjects": ["Age"], "modules": ["Core"]},
    {"variable": "grnprice", "description": "pay higher prices to help envir?",
     "question": "How willing would you be to pay much higher prices in order to protect the environment?",
     "value_labels": "[1] very willing / [5] not at all willing", "subjects": ["Environment"], "modules": []},
    {"variable": "degree", "description": "r's highest degree", "question": "RESPONDENT'S DEGREE",
     "value_labels": "[0] less than high school / [3] bachelor's / [4] graduate", "subjects": ["Education"],
     "modules": ["Core"]},
    {"variable": "income16", "description": "total family income",
     "question": "In which of these groups did your total family income fall last year?",
     "value_labels": "[1] under $1,000 / [26] $170,000 or over", "subjects": [], "modules": ["Core"]},
]

PANEL_COLUMNS = ["samptype", "partyid_1a", "partyid_1b", "partyid_2", "natenvir_1a", "natenvir_2", "tvhours_2",
                 "age_1a", "age_1b", "age_2", "degree_1a", "income16_1a", "income16_2", "attend_1a"]


def variables() -> tuple[list[dict], dict]:
    bases = build.panel_bases(PANEL_COLUMNS)
    acs, counts = build.acs_variables(ACS, bases)
    return acs + build.gss_variables(GSS, bases), counts


def build_catalog(directory: Path, index_kind: str = "flat") -> dict:
    """Build the fixture catalog into `directory`; returns its manifest."""
    encoder = query_encoder()
    all_variables, counts = variables()
    name = encoder_model_file()
    result = build.build_files(all_variables, lambda texts: encoder.embed(texts), {name: encoder.manifest["files"][name]},
                               {"fixture": True}, counts, index_kind)
    build.write_files(directory, result.files)
    return result.manifest
