#!/usr/bin/env python3
"""Compiles docs/openapi.yaml into a C++ source that serves it as JSON (GET /openapi.json).

Usage: yaml_to_source.py IN.yaml OUT.cc PROJECT_VERSION

Run by CMake at build time (src/app/CMakeLists.txt). The JSON is the YAML document as
Python's yaml.safe_load reads it, serialised compactly with keys in document order, so
`json.loads` of what the server sends equals `yaml.safe_load` of the file. Fails when the
document's info.version differs from the CMake project version (one version everywhere).
"""

import json
import sys

import yaml

DELIMITER = "openapi_json"


def main() -> int:
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    source, target, version = sys.argv[1:]
    with open(source, encoding="utf-8") as f:
        document = yaml.safe_load(f)
    found = document.get("info", {}).get("version")
    if found != version:
        print(f"{source}: info.version is {found!r}, but the project version (CMakeLists.txt) "
              f"is {version!r}", file=sys.stderr)
        return 1
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    if f"){DELIMITER}\"" in text:
        print(f"{source}: the JSON contains the raw string delimiter", file=sys.stderr)
        return 1
    code = (
        "// Generated from docs/openapi.yaml by tools/openapi/yaml_to_source.py. Do not edit.\n"
        "#include \"app/openapi_document.h\"\n\n"
        "namespace restock::app {\n\n"
        "std::string_view OpenApiDocumentJson() {\n"
        f"  static constexpr std::string_view kDocument = R\"{DELIMITER}({text}){DELIMITER}\";\n"
        "  return kDocument;\n"
        "}\n\n"
        "}  // namespace restock::app\n")
    with open(target, "w", encoding="utf-8") as f:
        f.write(code)
    return 0


if __name__ == "__main__":
    sys.exit(main())
