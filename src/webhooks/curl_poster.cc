#include "webhooks/curl_poster.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace restock::webhooks {
namespace {

std::size_t Discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

CurlPoster::CurlPoster() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

PostResult CurlPoster::Post(const std::string& url, const std::string& body,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            UnixMicros timeout) {
  std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
  if (!curl) return {std::nullopt, "could not create an HTTP client handle"};
  curl_slist* list = curl_slist_append(nullptr, "Content-Type: application/json");
  // An empty Expect stops libcurl from waiting for "100 Continue" on larger bodies.
  list = curl_slist_append(list, "Expect:");
  for (const auto& [name, value] : headers) {
    list = curl_slist_append(list, (name + ": " + value).c_str());
  }
  std::unique_ptr<curl_slist, ListDeleter> header_list(list);
  long timeout_ms = static_cast<long>(timeout / 1000);
  if (timeout_ms < 1) timeout_ms = 1;
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM-based timeouts
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_USERAGENT, "restock-webhooks/1");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Discard);
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) return {std::nullopt, curl_easy_strerror(rc)};
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  return {static_cast<int>(code), ""};
}

}  // namespace restock::webhooks
