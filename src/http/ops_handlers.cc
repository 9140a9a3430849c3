#include "http/ops_handlers.h"

namespace restock::http {

void HealthHandler::Handle(Request, Respond respond) {
  Response r;
  r.body = R"({"status":"ok"})";
  respond(std::move(r));
}

void MetricsHandler::Handle(Request, Respond respond) {
  Response r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = registry_.RenderPrometheus();
  respond(std::move(r));
}

void StaticJsonHandler::Handle(Request, Respond respond) {
  Response r;
  r.body = std::string(body_);
  respond(std::move(r));
}

}  // namespace restock::http
