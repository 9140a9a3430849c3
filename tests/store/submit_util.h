// Helpers for tests of Database::Submit: turn the `done` callback into a future, and hold
// the writer thread so that the next group's contents are deterministic.
#pragma once

#include <future>
#include <memory>
#include <utility>

#include "store/database.h"

namespace restock::store::testing {

// Submits `work` to `db`; the future receives the Status passed to `done`.
inline std::future<Status> SubmitForStatus(Database& db, Work work) {
  auto promise = std::make_shared<std::promise<Status>>();
  std::future<Status> future = promise->get_future();
  db.Submit(std::move(work), [promise](Status s) { promise->set_value(std::move(s)); });
  return future;
}

// Holds the writer inside a work (a group of one) until released. Everything submitted
// while it is held forms the following groups.
struct HeldWriter {
  std::promise<void> release;  // set_value() lets the writer go on
  std::future<Status> done;    // the holding work's own outcome
};

// Returns once the writer is inside the holding work.
inline HeldWriter HoldWriter(Database& db) {
  HeldWriter held;
  std::shared_future<void> released = held.release.get_future().share();
  auto entered = std::make_shared<std::promise<void>>();
  std::future<void> inside = entered->get_future();
  held.done = SubmitForStatus(db, [entered, released](Transaction&) {
    entered->set_value();
    released.wait();
    return Status::Ok();
  });
  inside.wait();
  return held;
}

}  // namespace restock::store::testing
