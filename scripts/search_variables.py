"""Search the variable catalog from the command line: JSON Lines {"id", "query"} on stdin, one line
{"id", "results": [{"code", "description", "type", "score"}, ...]} per query on stdout, through the same
code as GET /api/variables/search.

    python scripts/search_variables.py [--k 10] [--type T] [--data-type D] [--record-set R] < queries.jsonl

A line that cannot be searched (not JSON, no query, bad parameter) is reported on stderr with its line
number and skipped; the exit status is then 1. A missing or corrupt catalog exits with 3.
"""

import argparse
import json
import sys

from segmentation.audiences.search import search
from segmentation.platform.errors import InvalidInput, PlatformError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--k", type=int, default=10, help="results per query, 1..100 (default 10)")
    parser.add_argument("--type", help="demographic | behavioral | psychographic")
    parser.add_argument("--data-type", help="first_party | third_party | clean_room")
    parser.add_argument("--record-set", help="panel | zcta")
    args = parser.parse_args(argv)
    problems = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise InvalidInput("expected an object with `query`", field="query")
            results = search(record.get("query"), args.k, type=args.type, data_type=args.data_type,
                             record_set=args.record_set)
        except InvalidInput as error:
            problems += 1
            print(f"search_variables: line {number}: {error}", file=sys.stderr)
            continue
        except ValueError as error:
            problems += 1
            print(f"search_variables: line {number}: not JSON: {error}", file=sys.stderr)
            continue
        except PlatformError as error:
            print(f"search_variables: {error}", file=sys.stderr)
            return 3
        slim = [{key: hit[key] for key in ("code", "description", "type", "score")} for hit in results]
        sys.stdout.write(json.dumps({"id": record.get("id"), "results": slim}, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
