// restock::api — the one mapping from Status codes to HTTP statuses.
#pragma once

#include "core/status.h"
#include "http/message.h"

namespace restock::api {

// InvalidArgument 400, Unauthenticated 401, PermissionDenied 403, NotFound 404,
// AlreadyExists / FailedPrecondition 409, ResourceExhausted 429, Internal 500,
// Unavailable / Aborted 503. Aborted is a concurrency conflict that outlasted the backend's
// retries (a database busy or deadlocked): transient, and nothing the client did wrong.
int HttpStatusFor(StatusCode code);

// An error response for `status`. Server faults (5xx) get a generic detail, because their
// messages are for operators; the caller logs the original. 503 carries `Retry-After: 1`.
http::Response ResponseForStatus(const Status& status);

// The response for a request body refused as a whole before anything was done: as
// ResponseForStatus, except that ResourceExhausted (more elements than a request may hold)
// is 413 Payload Too Large, not 429.
http::Response ResponseForBodyError(const Status& status);

}  // namespace restock::api
