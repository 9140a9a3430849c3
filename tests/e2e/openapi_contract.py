"""Checks restock's HTTP responses against docs/openapi.yaml, so the document cannot drift
from the server.

`Contract.check(method, path, status, headers, body)` finds the operation by method, path
template and status and returns what is wrong with the response, or None:
- a path no template matches must be answered 404 (or one of the statuses the transport
  gives any request: 400, 413, 429, 431), a method the path does not document 405 with
  `Allow` naming exactly the documented methods (HEAD with GET) — both with the error body;
- HEAD is checked as GET without its body;
- an operation must document the status; its documented headers marked `required` must be
  present; the content type must be one the response documents, and a JSON body must be
  valid against the response's schema (jsonschema, Draft 2020-12).

conftest.py applies it to every response of a running `restock serve` that the tests receive
through `requests` and to the first response of each raw-socket exchange
(harness.raw_exchange), and fails the test on a mismatch. Validators are built once per
(operation, status); identical bodies are checked once.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any, Mapping

import jsonschema
import yaml

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"

# Statuses the transport or the per-client rate limit gives any request, before routing
# (the document's info.description), and the component response each one is documented by.
TRANSPORT_RESPONSES = {400: "BadRequest", 413: "PayloadTooLarge", 429: "TooManyRequests",
                       431: "HeadersTooLarge"}
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# RFC 3986 unreserved characters, and a percent-escape.
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_UNRESERVED_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")


def _segments(path: str) -> list[str]:
    """"/a/b/" and "/a/b" → ["a", "b"] (the router ignores one trailing slash)."""
    path = path.split("?", 1)[0]
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    return [] if path in ("", "/") else path[1:].split("/")


class Contract:
    def __init__(self, document: Path = DOCUMENT):
        with open(document, encoding="utf-8") as f:
            self.doc: dict[str, Any] = yaml.safe_load(f)
        self._templates = [(_segments(p), p) for p in self.doc["paths"]]
        # Literal paths before templated ones, as the router matches them.
        self._templates.sort(key=lambda t: any(s.startswith("{") for s in t[0]))
        self._validators: dict[tuple, Any] = {}
        self._responses: dict[tuple, dict[str, Any]] = {}
        self._seen: set[tuple] = set()
        self._lock = threading.Lock()

    # ---- the document

    def resolve(self, node: Any) -> Any:
        """`node` with every `$ref` replaced by what it points to (a `$ref` with sibling
        keywords becomes an allOf, keeping both). The document has no recursive schemas."""
        if isinstance(node, list):
            return [self.resolve(v) for v in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            target = self._pointer(node["$ref"])
            siblings = {k: self.resolve(v) for k, v in node.items() if k != "$ref"}
            resolved = self.resolve(target)
            return {"allOf": [resolved], **siblings} if siblings else resolved
        return {k: self.resolve(v) for k, v in node.items()}

    def _pointer(self, ref: str) -> Any:
        assert ref.startswith("#/"), f"only local references are supported: {ref}"
        node: Any = self.doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def match_path(self, path: str) -> str | None:
        """The document's path template for a request path, or None. Escapes of unreserved
        characters are decoded first, as the server does before routing (`/%68ealthz` is
        `/healthz`)."""
        segments = _segments(_UNRESERVED_ESCAPE.sub(
            lambda m: chr(int(m.group(1), 16)) if chr(int(m.group(1), 16)) in _UNRESERVED
            else m.group(0), path))
        for template, name in self._templates:
            if len(template) == len(segments) and all(
                    t.startswith("{") and s or t == s for t, s in zip(template, segments)):
                return name
        return None

    # ---- checking a response

    def check(self, method: str, path: str, status: int, headers: Mapping[str, str],
              body: bytes | None) -> str | None:
        """What is wrong with this response to `method path`, or None. A HEAD response's
        (absent) body is not checked."""
        template = self.match_path(path)
        if method.upper() == "HEAD":
            # HEAD is answered wherever GET is (the document's conventions): GET's responses.
            body = None
            if template is not None and "get" in self.doc["paths"][template]:
                method = "GET"
        if template is None:
            if status != 404 and status not in TRANSPORT_RESPONSES:
                return f"{method} {path}: no path of the document matches, yet answered {status}"
            name = "NotFound" if status == 404 else TRANSPORT_RESPONSES[status]
            return self._check_response(("component", name), self.doc["components"]["responses"][name],
                                        headers, body)
        item = self.doc["paths"][template]
        operation = item.get(method.lower())
        if operation is None:
            documented = sorted(m.upper() for m in item if m in METHODS)
            if "GET" in documented and "HEAD" not in documented:
                documented = sorted(documented + ["HEAD"])  # HEAD goes with GET
            if status in TRANSPORT_RESPONSES:
                name = TRANSPORT_RESPONSES[status]
                return self._check_response(("component", name),
                                            self.doc["components"]["responses"][name], headers, body)
            if status != 405:
                return f"{method} {template} is not in the document, yet answered {status}"
            allow = sorted(m.strip() for m in _header(headers, "allow").split(",") if m.strip())
            if allow != documented:
                return f"{method} {template}: 405 Allow {allow} but the document has {documented}"
            return self._check_response(("component", "405"), {
                "description": "method not allowed",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }, headers, body)
        response = operation["responses"].get(str(status))
        if response is None:
            return (f"{method} {template}: status {status} is not documented "
                    f"(documented: {', '.join(sorted(operation['responses']))}); body {body[:200]!r}")
        return self._check_response((template, method.lower(), str(status)), response, headers,
                                    body, f"{method} {template} {status}")

    def _check_response(self, key: tuple, response: dict[str, Any], headers: Mapping[str, str],
                        body: bytes | None, what: str | None = None) -> str | None:
        what = what or f"{key} response"
        with self._lock:
            resolved = self._responses.get(key)
            if resolved is None:
                resolved = self._responses[key] = self.resolve(response)
        response = resolved
        for name, header in response.get("headers", {}).items():
            if header.get("required") and not _header(headers, name):
                return f"{what}: the documented header {name} is missing"
        content = response.get("content")
        if not content:
            return None if not body else f"{what}: a body, but the document describes none"
        media = _header(headers, "content-type").split(";", 1)[0].strip().lower()
        if media not in content:
            return f"{what}: content type {media!r}, documented {sorted(content)}"
        if media != "application/json" or body is None:
            return None
        with self._lock:
            if (key, body) in self._seen:
                return None
        try:
            value = json.loads(body)
        except ValueError:
            return f"{what}: the body is not JSON: {body[:200]!r}"
        validator = self._validator(key, content[media].get("schema", {}))
        error = jsonschema.exceptions.best_match(validator.iter_errors(value))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "(body)"
            return f"{what}: at {where}: {error.message}; body {body[:300]!r}"
        with self._lock:
            if len(self._seen) < 100_000:
                self._seen.add((key, body))
        return None

    def _validator(self, key: tuple, schema: dict[str, Any]):
        with self._lock:
            validator = self._validators.get(key)
            if validator is None:
                validator = jsonschema.Draft202012Validator(schema)
                self._validators[key] = validator
            return validator


def _header(headers: Mapping[str, str], name: str) -> str:
    """A header's value by case-insensitive name ('' when absent)."""
    for k, v in headers.items():
        if k.lower() == name.lower():
            return v
    return ""
