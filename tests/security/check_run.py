#!/usr/bin/env python3
"""make security-headers-test: judge a whole newman run of the Postman collection.

Reads newman's JSON report (every request as sent and every response as received) and the
backend's JSON log lines written during the run, then checks:
  1. every response carries the promised security headers (nosniff, frame denial, referrer
     policy, COOP, a CSP - `default-src 'none'` on JSON, the strict one on HTML - and HSTS,
     since the stack runs in production mode), and an X-Request-ID;
  2. no password sent in the run appears in any response (body or headers) or any log line;
  3. no access or refresh token issued in the run appears in any log line, nor in any response
     other than the token responses of login/refresh themselves (body + Set-Cookie);
  4. a few extra requests the collection does not make (/, /docs, /openapi.json, /metrics, an
     unknown path) carry the headers too, with the HTML CSP on HTML.
Writes a JUnit file; exits 1 on any failure. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

API_CSP = "default-src 'none'; frame-ancestors 'none'"
REQUIRED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "cross-origin-opener-policy": "same-origin",
}
TOKEN_ISSUERS = ("/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/token")
SECRET_FIELDS = ("password", "current_password", "new_password", "refresh_token")


def header_problems(headers: dict[str, str], path: str, status: int = 200) -> list[str]:
    problems = []
    for name, value in REQUIRED.items():
        if headers.get(name) != value:
            problems.append(f"{name}: {headers.get(name)!r} (want {value!r})")
    if not re.fullmatch(r"max-age=\d+.*", headers.get("strict-transport-security", "")):
        problems.append("strict-transport-security missing (production mode)")
    if not re.fullmatch(r"[A-Za-z0-9._:-]{1,128}", headers.get("x-request-id", "")):
        problems.append("x-request-id missing")
    csp = headers.get("content-security-policy")
    # A 304 carries no CSP on purpose: browsers merge its headers into the cached page, and the
    # JSON policy would blank a revalidated index.html.
    if not path.startswith("/docs") and status != 304:
        if headers.get("content-type", "").startswith("text/html"):
            if not csp or "default-src 'self'" not in csp or "frame-ancestors 'none'" not in csp:
                problems.append(f"HTML without the strict CSP: {csp!r}")
        elif csp != API_CSP:
            problems.append(f"content-security-policy {csp!r} (want {API_CSP!r})")
    return problems


def path_of(url: dict[str, Any] | str) -> str:
    if isinstance(url, str):
        return re.sub(r"^https?://[^/]+", "", url).split("?")[0]
    return "/" + "/".join(url.get("path", []))


def main() -> int:  # noqa: PLR0912 - one linear report
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--log", type=Path, required=True)
    parser.add_argument("--log-offset", type=int, default=0)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--junit", type=Path, required=True)
    args = parser.parse_args()

    run = json.loads(args.report.read_text())["run"]
    executions = run["executions"]
    failures: dict[str, list[str]] = {}

    def fail(test: str, message: str) -> None:
        failures.setdefault(test, []).append(message)

    passwords: set[str] = set()
    tokens: set[str] = set()
    responses = []
    for execution in executions:
        request, response = execution["request"], execution.get("response")
        name = execution["item"]["name"]
        raw = (request.get("body") or {}).get("raw") or ""
        try:
            sent = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            sent = {}
        if isinstance(sent, dict):
            for field in SECRET_FIELDS:
                value = sent.get(field)
                if isinstance(value, str) and len(value) >= 8:
                    (tokens if field == "refresh_token" else passwords).add(value)
        if response is None:
            fail("every request got a response", f"{name}: no response")
            continue
        body = bytes(response.get("stream", {}).get("data", [])).decode("utf-8", "replace")
        headers = {h["key"].lower(): h["value"] for h in response.get("header", [])}
        path = path_of(request["url"])
        responses.append((name, path, body, headers, response.get("header", []), response["code"]))
        if path in TOKEN_ISSUERS and response.get("code") == 200:
            issued = json.loads(body)
            tokens.update({issued["access_token"], issued["refresh_token"]})
    for execution in executions:
        for header in execution["request"].get("header", []):
            if header["key"].lower() == "authorization" and header["value"].startswith("Bearer "):
                token = header["value"].removeprefix("Bearer ").strip()
                if token.count(".") == 2 and len(token) > 40:
                    tokens.add(token)

    if len(passwords) < 3 or len(tokens) < 4:
        fail(
            "the run exercised the secrets",
            f"only {len(passwords)} passwords, {len(tokens)} tokens",
        )

    for name, path, body, headers, raw_headers, status in responses:
        for problem in header_problems(headers, path, status):
            fail("security headers on every response", f"{name} ({path}): {problem}")
        everything = body + "\n" + "\n".join(f"{h['key']}: {h['value']}" for h in raw_headers)
        for password in passwords:
            if password in everything:
                fail("no password in any response", f"{name} ({path}) reflects a password")
        issuing = path in TOKEN_ISSUERS
        for token in tokens:
            if token in everything and not issuing:
                fail(
                    "no token in any response but login/refresh",
                    f"{name} ({path}) reflects a token",
                )

    log_bytes = args.log.read_bytes()[args.log_offset :]
    log_lines = log_bytes.decode("utf-8", "replace").splitlines()
    if len(log_lines) < len(executions):
        fail(
            "the backend logged the run",
            f"{len(log_lines)} log lines for {len(executions)} requests",
        )
    for number, line in enumerate(log_lines, 1):
        for password in passwords:
            if password in line:
                fail("no password in any log line", f"log line {number} holds a password")
        for token in tokens:
            if token in line:
                fail("no token in any log line", f"log line {number} holds a token")
        try:
            json.loads(line)
        except json.JSONDecodeError:
            fail("log lines are JSON (production)", f"line {number}: {line[:120]}")

    extra = ["/", "/docs", "/openapi.json", "/metrics", "/health", "/api/v1/does-not-exist"]
    for path in extra:
        req = urllib.request.Request(args.base_url.rstrip("/") + path)  # noqa: S310 - loopback stack
        try:
            with urllib.request.urlopen(req, timeout=10) as res:  # noqa: S310
                headers = {k.lower(): v for k, v in res.headers.items()}
        except urllib.error.HTTPError as err:
            headers = {k.lower(): v for k, v in err.headers.items()}
        for problem in header_problems(headers, path):
            fail("security headers beyond the collection", f"GET {path}: {problem}")

    tests = [
        "every request got a response",
        "the run exercised the secrets",
        "security headers on every response",
        "no password in any response",
        "no token in any response but login/refresh",
        "the backend logged the run",
        "no password in any log line",
        "no token in any log line",
        "log lines are JSON (production)",
        "security headers beyond the collection",
    ]
    cases = []
    for test in tests:
        messages = failures.get(test, [])
        body = (
            f'<failure message="{escape(messages[0][:200], {chr(34): "&quot;"})}">'
            f"{escape(chr(10).join(messages))}</failure>"
            if messages
            else ""
        )
        cases.append(
            f'  <testcase classname="security-headers" name="{escape(test)}">{body}</testcase>'
        )
        print(f"{'FAIL' if messages else 'ok  '} {test}" + (f": {messages[0]}" if messages else ""))
    args.junit.parent.mkdir(parents=True, exist_ok=True)
    args.junit.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="security-headers" '
        f'tests="{len(tests)}" failures="{sum(1 for t in tests if failures.get(t))}">\n'
        + "\n".join(cases)
        + "\n</testsuite>\n"
    )
    print(
        f"security-headers: {len(responses)} responses, {len(log_lines)} log lines, "
        f"{len(passwords)} passwords and {len(tokens)} tokens tracked; "
        f"{sum(1 for t in tests if failures.get(t))} of {len(tests)} checks failed"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
