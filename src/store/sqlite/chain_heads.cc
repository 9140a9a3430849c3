#include "store/sqlite/chain_heads.h"

#include <algorithm>

namespace restock::store::sqlite {

void ChainHeads::Read(model::MerchantId merchant, std::string_view product_id,
                      std::optional<std::int64_t> newest) {
  if (heads_.find(KeyView{merchant, product_id}) != heads_.end()) return;
  heads_.emplace(Key{merchant, std::string(product_id)}, Head{newest, false});
}

ChainHeads::Head* ChainHeads::Find(model::MerchantId merchant, std::string_view product_id) {
  auto it = heads_.find(KeyView{merchant, product_id});
  return it == heads_.end() ? nullptr : &it->second;
}

std::size_t ChainHeads::moved() const {
  return static_cast<std::size_t>(
      std::count_if(heads_.begin(), heads_.end(), [](const auto& kv) { return kv.second.moved; }));
}

}  // namespace restock::store::sqlite
