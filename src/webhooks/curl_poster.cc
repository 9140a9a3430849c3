#include "webhooks/curl_poster.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace restock::webhooks {
namespace {

std::size_t Discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct SocketCheck {
  const core::TargetPolicy* targets;
  std::string refused;  // the policy's reason, when it refused an address
};

// libcurl calls this for every address it is about to connect to, after resolving the name.
curl_socket_t OpenCheckedSocket(void* clientp, curlsocktype purpose, curl_sockaddr* address) {
  auto* check = static_cast<SocketCheck*>(clientp);
  if (purpose == CURLSOCKTYPE_IPCXN) {
    core::IpAddress ip;
    if (address->family == AF_INET) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(&address->addr);
      std::memcpy(ip.bytes.data(), &sin->sin_addr, 4);
    } else if (address->family == AF_INET6) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&address->addr);
      ip.v6 = true;
      std::memcpy(ip.bytes.data(), &sin6->sin6_addr, 16);
    } else {
      check->refused = "target address family is not IP";
      return CURL_SOCKET_BAD;
    }
    if (Status s = check->targets->Check(ip); !s.ok()) {
      check->refused = s.message();
      return CURL_SOCKET_BAD;
    }
  }
  return socket(address->family, address->socktype, address->protocol);
}

// Progress callback: a non-zero return aborts the transfer (CURLE_ABORTED_BY_CALLBACK).
int StopWhenAbandoned(void* clientp, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const std::atomic<bool>*>(clientp)->load() ? 1 : 0;
}

}  // namespace

CurlPoster::CurlPoster(core::TargetPolicy targets) : targets_(std::move(targets)) {
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
  if (abandoned_.load()) return {std::nullopt, "abandoned: the server is shutting down", true};
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &StopWhenAbandoned);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &abandoned_);
  SocketCheck check{&targets_, ""};
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, &OpenCheckedSocket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &check);
  CURLcode rc = curl_easy_perform(c);
  // A name may resolve to several addresses: a refused one only matters if no other worked.
  if (rc == CURLE_ABORTED_BY_CALLBACK) {
    return {std::nullopt, "abandoned: the server is shutting down", true};
  }
  if (rc != CURLE_OK && !check.refused.empty()) return {std::nullopt, "refused: " + check.refused};
  if (rc != CURLE_OK) return {std::nullopt, curl_easy_strerror(rc)};
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  return {static_cast<int>(code), ""};
}

}  // namespace restock::webhooks
