#include "api/ops_handlers.h"

namespace restock::api {

void HealthHandler::Handle(http::Request, http::Respond respond) {
  http::Response r;
  r.body = R"({"status":"ok"})";
  respond(std::move(r));
}

void MetricsHandler::Handle(http::Request, http::Respond respond) {
  http::Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = registry_.RenderPrometheus();
  respond(std::move(r));
}

void StaticJsonHandler::Handle(http::Request, http::Respond respond) {
  http::Response r;
  r.body = std::string(body_);
  respond(std::move(r));
}

}  // namespace restock::api
