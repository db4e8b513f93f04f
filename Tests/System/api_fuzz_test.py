#!/usr/bin/env python3
"""Fuzzes a running Quarry server from its own OpenAPI document with Schemathesis.

Every operation of `/openapi.json` gets valid and invalid inputs (phases
examples, coverage and fuzzing; stateful testing off). Checks on every response:
  - not_a_server_error: no 5xx, whatever the input;
  - status_code_conformance, content_type_conformance and
    response_schema_conformance: the answer is one the document declares;
  - error_responses_are_json (below): every 4xx/5xx is the shared
    {"error": {"code", "message"}} JSON body.

The run writes to the server: documents are added, items deleted, indexes
rebuilt. The write routes need the server's admin token: give it as --token or
QUARRY_ADMIN_TOKEN (without one, only a server started with
--insecure-open-writes lets the writes through). Run it last against a shared server.

    python Tests/System/api_fuzz_test.py --base-url http://127.0.0.1:8080

Prints `N passed, M failed` (test cases) and fails when a check fails or fewer
than --min-requests requests were made. This file is also the Schemathesis
hooks module that registers the custom check (SCHEMATHESIS_HOOKS=api_fuzz_test).
"""
import argparse
import atexit
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import schemathesis

COUNT_FILE_VARIABLE = "QUARRY_FUZZ_COUNT_FILE"
# The one non-error 4xx body: POST …/images answers 422 with its per-file report when every image failed.
IMAGES_REPORT = ("POST", "/v1/collections/{name}/images", 422)

_responses = {"total": 0}


@schemathesis.check
def error_responses_are_json(ctx, response, case):
    """Every 4xx and 5xx answer is `{"error": {"code": str, "message": str}}` as application/json."""
    _responses["total"] += 1
    if response.status_code < 400:
        return None
    if (case.method.upper(), case.path, response.status_code) == IMAGES_REPORT and b'"images"' in response.content:
        return None
    content_type = response.headers.get("content-type", [""])
    content_type = content_type[0] if isinstance(content_type, list) else content_type
    if not content_type.startswith("application/json"):
        raise AssertionError(f"{response.status_code} answered as {content_type!r}, not application/json")
    try:
        body = json.loads(response.content)
    except ValueError as error:
        raise AssertionError(f"{response.status_code} body is not JSON: {error}") from None
    detail = body.get("error") if isinstance(body, dict) else None
    if set(body) != {"error"} or not isinstance(detail, dict) \
            or not isinstance(detail.get("code"), str) or not isinstance(detail.get("message"), str):
        raise AssertionError(f"{response.status_code} body is not {{\"error\": {{\"code\", \"message\"}}}}: {response.content[:200]!r}")
    return None


def _write_count():
    path = os.environ.get(COUNT_FILE_VARIABLE)
    if path:
        Path(path).write_text(str(_responses["total"]))


atexit.register(_write_count)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--token", default=os.environ.get("QUARRY_ADMIN_TOKEN"), help="admin bearer token (default: $QUARRY_ADMIN_TOKEN)")
    parser.add_argument("--max-examples", type=int, default=100, help="fuzzed test cases per operation")
    parser.add_argument("--min-requests", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--workers", default="2")
    arguments = parser.parse_args()

    schemathesis_program = Path(sys.executable).with_name("schemathesis")
    with tempfile.TemporaryDirectory(prefix="quarry-fuzz-") as work:
        count_file = Path(work, "responses")
        report = Path(work, "report.json")
        command = [
            str(schemathesis_program), "run", arguments.base_url.rstrip("/") + "/openapi.json",
            "--url", arguments.base_url,
            "--phases", "examples,coverage,fuzzing",
            "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
                        "response_schema_conformance,error_responses_are_json",
            "--max-examples", str(arguments.max_examples),
            "--seed", str(arguments.seed),
            "--workers", arguments.workers,
            "--request-timeout", "60",
            "--generation-database", "none",
            "--suppress-health-check", "all",
            "--continue-on-failure",
            "--no-color",
            "--report", "json", "--report-json-path", str(report),
        ]
        if arguments.token:
            command += ["--header", f"Authorization: Bearer {arguments.token}"]
        environment = dict(os.environ, SCHEMATHESIS_HOOKS=Path(__file__).stem, **{COUNT_FILE_VARIABLE: str(count_file)})
        environment["PYTHONPATH"] = os.pathsep.join(filter(None, [str(Path(__file__).parent), environment.get("PYTHONPATH")]))
        print("$ " + " ".join(command[:3]) + " …", flush=True)
        status = subprocess.run(command, env=environment, cwd=work).returncode
        requests = int(count_file.read_text()) if count_file.exists() else 0
        summary = json.loads(report.read_text()) if report.exists() else {}

    cases = summary.get("test_cases", {})
    # A test case whose request got no answer (the server died, a timeout) counts as failed.
    generated, failed = cases.get("generated", 0), cases.get("with_failures", 0) + cases.get("errored", 0)
    operations = summary.get("operations", {})
    errors = summary.get("errors", [])
    print(f"operations tested: {operations.get('tested', 0)} of {operations.get('total', 0)}; requests: {requests}; "
          f"errors: {sum(error['count'] for error in errors)}")
    for failure in summary.get("failures", []):
        print(f"FAILURE {failure['title']} ×{failure['count']} in {', '.join(failure['operations'])}")
    print(f"{generated - failed} passed, {failed} failed")
    if requests < arguments.min_requests:
        print(f"api_fuzz_test: only {requests} requests, fewer than {arguments.min_requests}", file=sys.stderr)
        return 1
    # "Runtime Error" is schemathesis's title for an exception inside itself or Hypothesis while
    # drawing a test case (e.g. Hypothesis's FlakyFailure around a KeyError in schemathesis's
    # generator); anything the server causes has its own title (Network Error, Unresponsive
    # Operation, Server Unavailable) or is a failed check, and fails the test.
    server_errors = [error for error in errors if error["title"] != "Runtime Error"]
    if status != 0 and failed == 0 and errors and not server_errors:
        print("api_fuzz_test: schemathesis reported errors of its own (not of the server); see above", file=sys.stderr)
        return 0
    return 0 if status == 0 and failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
