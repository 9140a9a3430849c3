// restock::model — identifiers. A merchant's internal id keys every row it owns.
#pragma once

#include <cstdint>

namespace restock::model {

using MerchantId = std::int64_t;

}  // namespace restock::model
