// restock::store::sqlite — the heads of product event chains (products.last_event_id,
// migration 7) that one unit of work has read or moved.
//
// Appending a stock event needs its product's head (the new event links to it) and moves
// the head to the new event. The product read records the head here, an append links to it
// and only marks the head moved, and the product's update writes the moved head with the
// rest of the row, so the chain costs no search of the products key of its own. A head an
// update has not written by the end of the work is written then (FinishWork), so callers
// may append before or after they update: the order only changes the cost
// (docs/decisions.md, "SQLite writes").
//
// Thread-safety: none; lives inside one unit of work with its repositories.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"
#include "model/ids.h"

namespace restock::store::sqlite {

class ChainHeads {
 public:
  // What the work knows of one product's head.
  struct Head {
    std::optional<std::int64_t> newest;  // the newest event's id; none: no event yet
    bool moved = false;                  // by an append, and not yet written to the product row
  };

  // Records the head read from the product's row, unless the work already knows the
  // product's (which may be newer than the row: a moved head).
  void Read(model::MerchantId merchant, std::string_view product_id,
            std::optional<std::int64_t> newest);
  // The product's head as the work knows it; nullptr when the work has not read the row.
  // The pointer stays valid until Clear().
  Head* Find(model::MerchantId merchant, std::string_view product_id);

  // The moved heads: `write(merchant, product_id, newest)` for each, in no particular order,
  // stopping at the first failure.
  template <typename Write>
  Status ForEachMoved(Write&& write) const {
    for (const auto& [key, head] : heads_) {
      if (!head.moved) continue;
      RESTOCK_RETURN_IF_ERROR(write(key.merchant, std::string_view(key.product_id), *head.newest));
    }
    return Status::Ok();
  }
  std::size_t moved() const;  // how many heads are moved

  // Forgets everything: at the end of every unit of work, whether it committed or not.
  void Clear() { heads_.clear(); }

 private:
  struct KeyView {
    model::MerchantId merchant;
    std::string_view product_id;
  };
  struct Key {
    model::MerchantId merchant;
    std::string product_id;
    operator KeyView() const { return {merchant, product_id}; }  // NOLINT: lookups by view
  };
  struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(KeyView k) const {
      return std::hash<std::string_view>()(k.product_id) ^
             (static_cast<std::size_t>(k.merchant) * 0x9e3779b97f4a7c15ULL);
    }
  };
  struct KeyEqual {
    using is_transparent = void;
    bool operator()(KeyView a, KeyView b) const {
      return a.merchant == b.merchant && a.product_id == b.product_id;
    }
  };

  std::unordered_map<Key, Head, KeyHash, KeyEqual> heads_;
};

}  // namespace restock::store::sqlite
