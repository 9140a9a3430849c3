// restock::app — the API's OpenAPI document (docs/openapi.yaml), compiled into the binary
// as JSON at build time (tools/openapi/yaml_to_source.py) and served at GET /openapi.json.
#pragma once

#include <string_view>

namespace restock::app {

// Returns the document as compact JSON, UTF-8. The view points into static storage.
std::string_view OpenApiDocumentJson();

}  // namespace restock::app
