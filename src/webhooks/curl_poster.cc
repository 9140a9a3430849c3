#include "webhooks/curl_poster.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <strings.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace restock::webhooks {
namespace {

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

namespace {

// libcurl's global state, initialised once per process before the first handle.
void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

CurlPoster::CurlPoster(core::TargetPolicy targets) : targets_(std::move(targets)) {
  InitCurlOnce();
}

namespace {

// What the write callback fills: the body, up to `max` bytes (0: discarded). A longer body
// is read to its end and discarded (`too_large`), so that a complete answer can be told from
// one cut by the connection closing.
struct BodySink {
  std::string body;
  std::size_t max = 0;
  bool too_large = false;
};

std::size_t Keep(char* data, std::size_t size, std::size_t n, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  if (sink->max == 0 || sink->too_large) return size * n;
  if (sink->body.size() + size * n > sink->max) {
    sink->too_large = true;
    std::string().swap(sink->body);
    return size * n;
  }
  sink->body.append(data, size * n);
  return size * n;
}

// One POST on `c` (fresh or reused), sent as `user_agent`. A Content-Type in `headers`
// replaces application/json.
PostResult Perform(CURL* c, const char* user_agent, const core::TargetPolicy& targets,
                   const std::atomic<bool>& abandoned, const std::string& url,
                   const std::string& body,
                   const std::vector<std::pair<std::string, std::string>>& headers,
                   UnixMicros timeout, BodySink& sink) {
  bool typed = false;
  curl_slist* list = curl_slist_append(nullptr, "Expect:");
  for (const auto& [name, value] : headers) {
    typed = typed || strcasecmp(name.c_str(), "Content-Type") == 0;
    list = curl_slist_append(list, (name + ": " + value).c_str());
  }
  // An empty Expect stops libcurl from waiting for "100 Continue" on larger bodies.
  if (!typed) list = curl_slist_append(list, "Content-Type: application/json");
  std::unique_ptr<curl_slist, ListDeleter> header_list(list);
  long timeout_ms = static_cast<long>(timeout / 1000);
  if (timeout_ms < 1) timeout_ms = 1;
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
  curl_easy_setopt(c, CURLOPT_USERAGENT, user_agent);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &Keep);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  if (abandoned.load()) return {std::nullopt, "abandoned: the server is shutting down", true};
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &StopWhenAbandoned);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &abandoned);
  SocketCheck check{&targets, ""};
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, &OpenCheckedSocket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &check);
  CURLcode rc = curl_easy_perform(c);
  // The options point at this call's locals: clear them before the handle is reused.
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, nullptr);
  // A name may resolve to several addresses: a refused one only matters if no other worked.
  if (rc == CURLE_ABORTED_BY_CALLBACK) {
    return {std::nullopt, "abandoned: the server is shutting down", true};
  }
  if (rc != CURLE_OK && !check.refused.empty()) return {std::nullopt, "refused: " + check.refused};
  if (rc != CURLE_OK) return {std::nullopt, curl_easy_strerror(rc)};
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  PostResult result{static_cast<int>(code), ""};
  result.body_too_large = sink.too_large;
  return result;
}

}  // namespace

PostResult CurlPoster::Post(const std::string& url, const std::string& body,
                            const std::vector<std::pair<std::string, std::string>>& headers,
                            UnixMicros timeout) {
  std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
  if (!curl) return {std::nullopt, "could not create an HTTP client handle"};
  BodySink discard;  // max 0: the body is read and discarded
  return Perform(curl.get(), "restock-webhooks/1", targets_, abandoned_, url, body, headers,
                 timeout, discard);
}

CurlConnection::CurlConnection(core::TargetPolicy targets, std::size_t max_body,
                               std::string user_agent, const std::atomic<bool>* abandoned)
    : targets_(std::move(targets)),
      max_body_(max_body),
      user_agent_(std::move(user_agent)),
      abandoned_(abandoned) {
  InitCurlOnce();
}

CurlConnection::~CurlConnection() {
  if (handle_ != nullptr) curl_easy_cleanup(static_cast<CURL*>(handle_));
}

PostResult CurlConnection::Post(const std::string& url, const std::string& body,
                                const std::vector<std::pair<std::string, std::string>>& headers,
                                UnixMicros timeout) {
  static const std::atomic<bool> kNever{false};
  if (handle_ == nullptr) handle_ = curl_easy_init();
  if (handle_ == nullptr) return {std::nullopt, "could not create an HTTP client handle"};
  BodySink sink;
  sink.max = max_body_;
  PostResult result = Perform(static_cast<CURL*>(handle_), user_agent_.c_str(), targets_,
                              abandoned_ ? *abandoned_ : kNever, url, body, headers, timeout, sink);
  result.body = std::move(sink.body);
  return result;
}

}  // namespace restock::webhooks
