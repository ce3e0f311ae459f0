"""GET /api/variables/{code}: one catalog variable with its value labels and data availability."""

from segmentation.audiences.search import get_variable
from segmentation.audiences.variable_schemas import Variable
from segmentation.platform.api import create_app, http_handler
from segmentation.platform.errors import InvalidInput, NotFound

app = create_app()
MAX_CODE_CHARS = 64


@app.get("/api/variables/<code>")
def get(code: str) -> Variable:
    if not code or len(code) > MAX_CODE_CHARS:
        raise InvalidInput(f"code must be 1..{MAX_CODE_CHARS} characters", field="code")
    variable = get_variable(code)
    if variable is None:
        raise NotFound(f"variable {code} is not in the catalog")
    return Variable(**variable)


handler = http_handler(app)
