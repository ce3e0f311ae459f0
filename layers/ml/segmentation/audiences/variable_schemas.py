"""Response models of the variable catalog API (GET /api/variables/search, GET /api/variables/{code})."""

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from segmentation.audiences.search import MAX_K, MAX_QUERY_CHARS

VariableType = Literal["demographic", "behavioral", "psychographic"]
DataType = Literal["first_party", "third_party", "clean_room"]
RecordSet = Literal["panel", "zcta"]
# The type, data_type and record_set parameters are plain strings here, checked by search.validate, so an
# unknown value gets the one 422 message that names the parameter and lists the allowed values.
QueryText = Annotated[str, Field(description=f"What the audience is, in a marketer's words (<= {MAX_QUERY_CHARS} "
                                             "characters).")]
ResultCount = Annotated[int, Field(description=f"How many variables to return, 1..{MAX_K}.")]


class Matched(BaseModel):
    """Each retriever's own score for the variable; null where that retriever did not return it."""

    lexical: float | None
    dense: float | None
    keyword: float | None
    intent: float | None


class VariableHit(BaseModel):
    code: str
    description: str
    type: VariableType
    category: str
    source: str
    score: float
    matched: Matched


class VariableSearchResults(BaseModel):
    results: list[VariableHit]


class DataAvailability(BaseModel):
    record_sets: list[RecordSet]
    data_types: list[DataType]


class Variable(BaseModel):
    code: str
    description: str
    type: VariableType
    category: str
    source: str
    table: str | None = None
    subjects: list[str] | None = None
    dataAvailability: DataAvailability
    columns: dict[str, str]
    values: dict[str, str] | None = None
