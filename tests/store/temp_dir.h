// A fresh directory under the system temp dir, removed with everything in it on
// destruction. Not thread-safe; owns the directory.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace restock::store::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "restock-store-XXXXXX");
    const char* made = ::mkdtemp(pattern.data());
    if (made == nullptr) std::abort();  // the test cannot run without it
    path_ = made;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // A path inside the directory.
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace restock::store::testing
