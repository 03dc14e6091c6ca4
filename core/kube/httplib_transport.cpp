// cpp-httplib implementation of HttpTransport. Kept out of headers: httplib.h is large.
#include <fmt/format.h>
#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <mutex>
#include <thread>
#include <utility>

#include "kube/http_transport.hpp"

namespace cutover::kube {

namespace {

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

BioPtr memory_bio(const std::string& pem) {
  return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// Builds a certificate store from every certificate in a PEM bundle.
std::expected<X509_STORE*, Error> make_store(const std::string& pem) {
  X509_STORE* store = X509_STORE_new();
  auto bio = memory_bio(pem);
  int count = 0;
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store, cert);
    X509_free(cert);
    ++count;
  }
  if (count == 0) {
    X509_STORE_free(store);
    return std::unexpected(Error{ErrorReason::transport,
                                 0,
                                 "certificate-authority data holds no PEM certificate (fix: "
                                 "embed the cluster CA as base64 PEM)",
                                 {},
                                 std::nullopt});
  }
  return store;
}

// The kubeconfig's CA as a file only this process can see (a memfd, named through /proc), or
// empty if that is not possible. httplib loads its CA file on the first connection; given none,
// it loads the system bundle as well, into the same store.
class CaFile {
 public:
  explicit CaFile(const std::string& pem) {
    if (pem.empty())
      return;
    fd_ = memfd_create("cutover-ca", MFD_CLOEXEC);
    if (fd_ < 0)
      return;
    std::size_t written = 0;
    while (written < pem.size()) {
      const ssize_t n = ::write(fd_, pem.data() + written, pem.size() - written);
      if (n <= 0)
        break;
      written += static_cast<std::size_t>(n);
    }
    if (written == pem.size())
      path_ = fmt::format("/proc/self/fd/{}", fd_);
  }
  CaFile(const CaFile&) = delete;
  CaFile& operator=(const CaFile&) = delete;
  ~CaFile() {
    if (fd_ >= 0)
      ::close(fd_);
  }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

std::string header_value(const httplib::Headers& headers, const char* name) {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string{} : it->second;
}

Error transport_error(httplib::Error error, const RestConfig& config) {
  std::string fix;
  ErrorReason reason = ErrorReason::transport;
  // The same transport reaches Prometheus (PrometheusClient): name the kubeconfig only for the
  // API server.
  const bool api_server = config.source.starts_with("kubeconfig") || config.source == "in-cluster";
  switch (error) {
    case httplib::Error::Connection:
      fix = fmt::format("is the {} running and reachable at {}?",
                        api_server ? "API server" : "server", config.server);
      break;
    case httplib::Error::SSLServerVerification:
      fix = api_server ? "the server's certificate is not signed by the kubeconfig's "
                         "certificate-authority, or its name does not match; fix "
                         "certificate-authority(-data) or tls-server-name"
                       : "TLS verification failed: the server's certificate is not signed by "
                         "the trusted CA, or its name does not match the address";
      break;
    case httplib::Error::SSLConnection:
      fix = "TLS handshake failed; check the client certificate and the server URL scheme";
      break;
    case httplib::Error::Read:
      reason = ErrorReason::timeout;
      fix = "the server did not answer in time";
      break;
    case httplib::Error::Canceled:
      reason = ErrorReason::cancelled;
      break;
    default:
      break;
  }
  std::string message = fmt::format("{} {}", config.server, httplib::to_string(error));
  if (!fix.empty()) {
    message += " (" + fix + ")";
  }
  return Error{reason, 0, std::move(message), {}, std::nullopt};
}

class HttplibTransport final : public HttpTransport {
 public:
  explicit HttplibTransport(RestConfig config)
      : config_(std::move(config)), ca_file_(config_.tls.ca_pem) {}

  std::expected<void, Error> check() {
    auto client = make_client();
    if (!client)
      return std::unexpected(client.error());
    release(std::move(*client));
    return {};
  }

  std::expected<HttpResponse, Error> send(const HttpRequest& request) override {
    httplib::Request req;
    req.method = request.method;
    req.path = config_.base_path + request.target;
    for (const auto& [name, value] : request.headers) {
      req.headers.emplace(name, value);
    }
    if (!request.content_type.empty()) {
      req.headers.emplace("Content-Type", request.content_type);
    }
    req.body = request.body;
    auto pooled = acquire();
    if (!pooled)
      return std::unexpected(pooled.error());
    auto [client, reused] = std::move(*pooled);
    auto result = send_on(*client, req, request);
    // A kept-alive connection the server has closed since (its idle timeout; seen after five
    // idle minutes against kube-apiserver) fails the next request at once. A request that
    // could not be written was not received, so it goes again on a new connection, whatever
    // its method; one whose answer could not be read only when it is a GET.
    if (!result && reused &&
        (result.error() == httplib::Error::Write ||
         (result.error() == httplib::Error::Read && request.method == "GET"))) {
      drop_idle();
      auto fresh = make_client();
      if (!fresh)
        return std::unexpected(fresh.error());
      client = std::move(*fresh);
      result = send_on(*client, req, request);
    }
    if (!result) {
      return std::unexpected(transport_error(result.error(), config_));
    }
    HttpResponse response{result->status, std::move(result->body),
                          header_value(result->headers, "Retry-After"),
                          header_value(result->headers, "Content-Type")};
    release(std::move(client));
    return response;
  }

  std::expected<HttpResponse, Error> stream(const HttpRequest& request,
                                            const ChunkHandler& on_chunk,
                                            std::stop_token stop) override {
    // A stream owns its connection, so that `stop` can shut it down from another thread.
    auto client = make_client();
    if (!client)
      return std::unexpected(client.error());
    auto& c = **client;
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(request.timeout);
    c.set_read_timeout(seconds.count(), 0);
    c.set_connection_timeout(request.connect_timeout);
    httplib::Headers headers;
    for (const auto& [name, value] : request.headers) {
      headers.emplace(name, value);
    }
    // httplib's stop() only shuts a socket that exists, so a stop that lands while the
    // connection is still being made would be lost. Keep stopping until Get returns.
    std::atomic<bool> finished{false};
    std::mutex canceller_mutex;
    std::thread canceller;
    std::stop_callback on_stop(stop, [&] {
      std::lock_guard lock(canceller_mutex);
      canceller = std::thread([&c, &finished] {
        while (!finished.load()) {
          c.stop();
          std::this_thread::sleep_for(std::chrono::milliseconds{20});
        }
      });
    });
    const auto join_canceller = [&] {
      finished = true;
      std::lock_guard lock(canceller_mutex);
      if (canceller.joinable())
        canceller.join();
    };
    if (stop.stop_requested()) {
      join_canceller();
      return std::unexpected(Error{ErrorReason::cancelled, 0, "watch stopped", {}, std::nullopt});
    }
    HttpResponse response;
    bool stopped_by_handler = false;
    auto result = c.Get(
        config_.base_path + request.target, headers,
        [&](const httplib::Response& r) {
          response.status = r.status;
          response.retry_after = header_value(r.headers, "Retry-After");
          response.content_type = header_value(r.headers, "Content-Type");
          return true;
        },
        [&](const char* data, std::size_t length) {
          if (stop.stop_requested()) {
            return false;
          }
          if (response.status < 200 || response.status >= 300) {
            response.body.append(data, length);
            return true;
          }
          if (!on_chunk(std::string_view(data, length))) {
            stopped_by_handler = true;
            return false;
          }
          return true;
        });
    join_canceller();
    if (stop.stop_requested()) {
      return std::unexpected(Error{ErrorReason::cancelled, 0, "watch stopped", {}, std::nullopt});
    }
    if (!result && !stopped_by_handler) {
      return std::unexpected(transport_error(result.error(), config_));
    }
    return response;
  }

 private:
  using ClientPtr = std::unique_ptr<httplib::ClientImpl>;
  using Clock = std::chrono::steady_clock;
  /// An idle connection older than this is closed rather than reused: servers close idle
  /// keep-alive connections (Go's net/http after its IdleTimeout), and reusing one costs a
  /// failed request.
  static constexpr std::chrono::seconds kMaxIdleAge{30};

  static httplib::Result send_on(httplib::ClientImpl& c, const httplib::Request& req,
                                 const HttpRequest& request) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(request.timeout);
    c.set_read_timeout(seconds.count(), 0);
    c.set_write_timeout(seconds.count(), 0);
    c.set_connection_timeout(request.connect_timeout);
    return c.send(req);
  }

  /// Whether an idle connection is still usable: nothing may arrive on it between answers,
  /// so a socket that polls readable has been closed by the server (a FIN, a reset, TLS's
  /// close_notify). httplib 0.11 does not check this before reusing a connection.
  static bool still_open(const httplib::ClientImpl& client) {
    if (client.is_socket_open() == 0)
      return true;  // no socket yet: the request connects
    pollfd fd{.fd = client.socket(), .events = POLLIN, .revents = 0};
    return ::poll(&fd, 1, 0) == 0;
  }

  /// A pooled connection (true: it has served a request before) or a new one.
  std::expected<std::pair<ClientPtr, bool>, Error> acquire() {
    {
      std::lock_guard lock(mutex_);
      const auto now = Clock::now();
      while (!idle_.empty()) {
        auto [client, since] = std::move(idle_.back());
        idle_.pop_back();
        if (now - since < kMaxIdleAge && still_open(*client))
          return std::pair{std::move(client), true};
      }
    }
    auto client = make_client();
    if (!client)
      return std::unexpected(client.error());
    return std::pair{std::move(*client), false};
  }

  void release(ClientPtr client) {
    std::lock_guard lock(mutex_);
    constexpr std::size_t kMaxIdle = 8;
    if (idle_.size() < kMaxIdle) {
      idle_.emplace_back(std::move(client), Clock::now());
    }
  }

  /// After one stale connection the others of its age are likely stale too.
  void drop_idle() {
    std::lock_guard lock(mutex_);
    idle_.clear();
  }

  std::expected<ClientPtr, Error> make_client() {
    const bool use_server_name = !config_.tls.server_name.empty();
    const std::string host = use_server_name ? config_.tls.server_name : config_.host;
    ClientPtr client;
    if (config_.scheme == "https") {
      std::unique_ptr<httplib::SSLClient> ssl;
      if (!config_.tls.client_certificate_pem.empty()) {
        auto cert_bio = memory_bio(config_.tls.client_certificate_pem);
        auto key_bio = memory_bio(config_.tls.client_key_pem);
        X509* cert = PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr);
        EVP_PKEY* key = PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr);
        if (cert == nullptr || key == nullptr) {
          X509_free(cert);
          EVP_PKEY_free(key);
          return std::unexpected(Error{ErrorReason::transport,
                                       0,
                                       fmt::format("user \"{}\": client certificate or key is "
                                                   "not valid PEM (fix: regenerate the "
                                                   "kubeconfig user)",
                                                   config_.user_name),
                                       {},
                                       std::nullopt});
        }
        ssl = std::make_unique<httplib::SSLClient>(host, config_.port, cert, key);
        X509_free(cert);  // SSLClient took its own references
        EVP_PKEY_free(key);
      } else {
        ssl = std::make_unique<httplib::SSLClient>(host, config_.port);
      }
      if (!ssl->is_valid()) {
        return std::unexpected(Error{ErrorReason::transport,
                                     0,
                                     "cannot create a TLS client (the client certificate and key "
                                     "may not match)",
                                     {},
                                     std::nullopt});
      }
      ssl->enable_server_certificate_verification(!config_.tls.insecure_skip_verify);
      if (!config_.tls.ca_pem.empty()) {
        auto store = make_store(config_.tls.ca_pem);
        if (!store)
          return std::unexpected(store.error());
        ssl->set_ca_cert_store(*store);  // the SSL_CTX takes ownership
        // Trust the cluster's CA only, as kubectl does: without a CA file httplib would add
        // the system's public roots to this store (and spend ~35 ms parsing them).
        if (!ca_file_.path().empty())
          ssl->set_ca_cert_path(ca_file_.path());
      }
      client = std::move(ssl);
    } else {
      client = std::make_unique<httplib::ClientImpl>(host, config_.port);
    }
    if (use_server_name) {
      client->set_hostname_addr_map({{config_.tls.server_name, config_.host}});
    }
    client->set_keep_alive(true);
    client->set_connection_timeout(HttpRequest{}.connect_timeout);
    return client;
  }

  RestConfig config_;
  CaFile ca_file_;
  std::mutex mutex_;
  std::vector<std::pair<ClientPtr, Clock::time_point>> idle_;  // last used at
};

}  // namespace

std::expected<std::unique_ptr<HttpTransport>, Error> make_http_transport(const RestConfig& config) {
  // A peer that closes a connection mid-write must give an error, not kill the process.
  static std::once_flag ignore_sigpipe;
  std::call_once(ignore_sigpipe, [] { std::signal(SIGPIPE, SIG_IGN); });
  auto transport = std::make_unique<HttplibTransport>(config);
  if (auto checked = transport->check(); !checked) {
    return std::unexpected(checked.error());
  }
  return transport;
}

}  // namespace cutover::kube
