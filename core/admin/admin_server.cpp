#include "core/admin/admin_server.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/admin/admin_connection.hpp"
#include "core/admin/admin_metrics.hpp"
#include "core/admin/admin_router.hpp"
#include "core/asio.hpp"
#include "core/metrics/metrics_registry.hpp"
#include "core/metrics/prometheus_text.hpp"
#include "junction/logger.hpp"

namespace junction {

namespace {

using tcp = asio::ip::tcp;

// Accept failures such as running out of descriptors repeat at once; retrying without a
// pause would spin the admin thread.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

std::string describe_endpoint(const std::string& address, std::uint16_t port) {
  const bool ipv6 = address.find(':') != std::string::npos;
  return (ipv6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

AdminResponse default_health(const AdminRequest&) {
  AdminResponse response;
  response.content_type = "application/json";
  response.body = R"({"status":"ok"})";
  return response;
}

}  // namespace

class AdminServer::Impl {
 public:
  Impl(MetricsRegistry& registry, Logger& logger, AdminLimits limits)
      : registry_(registry),
        logger_(logger),
        limits_(limits),
        router_(logger),
        metrics_(registry),
        context_{router_, limits_, metrics_, logger_} {}

  ~Impl() { stop(); }

  void add_route(std::string method, std::string path, AdminHandler handler) {
    // Checked before locking too: a handler calling this while stop() joins must not deadlock.
    if (started_) throw std::logic_error("admin: add_route() after start()");
    std::lock_guard lock(lifecycle_mutex_);
    if (started_) throw std::logic_error("admin: add_route() after start()");
    router_.add(std::move(method), std::move(path), std::move(handler));
  }

  void start(const std::string& address, std::uint16_t port) {
    std::lock_guard lock(lifecycle_mutex_);
    if (started_) throw std::logic_error("admin: start() called twice");
    boost::system::error_code ec;
    const auto ip = asio::ip::make_address(address, ec);
    if (!ec) listen(tcp::endpoint(ip, port), ec);
    if (ec) {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
      throw std::runtime_error("admin: cannot listen on " + describe_endpoint(address, port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    add_builtin_routes();
    started_ = true;
    accept_next();
    thread_ = std::thread([this] { run(); });
    logger_.info("admin: listening on " + describe_endpoint(address, port_));
  }

  std::uint16_t port() const { return port_; }

  void stop() {
    std::lock_guard lock(lifecycle_mutex_);
    if (!thread_.joinable()) return;
    if (std::this_thread::get_id() == thread_.get_id()) {
      throw std::logic_error("admin: stop() called from an admin handler");
    }
    asio::post(io_context_, [this] { close_everything(); });
    // run() returns once the aborted operations have finished: nothing else keeps it busy.
    thread_.join();
    logger_.info("admin: stopped");
  }

 private:
  void listen(const tcp::endpoint& endpoint, boost::system::error_code& ec) {
    acceptor_.open(endpoint.protocol(), ec);
    // Lets a restarted daemon bind while old connections sit in TIME_WAIT; on Linux it does
    // not allow two live listeners on one port, so "Address already in use" still happens.
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  }

  void add_builtin_routes() {
    if (!router_.has("GET", "/metrics")) {
      router_.add("GET", "/metrics", [this](const AdminRequest&) {
        AdminResponse response;
        response.content_type = std::string(kPrometheusContentType);
        response.body = registry_.render_prometheus();
        return response;
      });
    }
    if (!router_.has("GET", "/health")) router_.add("GET", "/health", default_health);
  }

  void run() {
    for (;;) {
      try {
        io_context_.run();
        return;
      } catch (const std::exception& e) {
        // Connections catch their own errors; this is a last resort that keeps /health alive.
        logger_.error(std::string("admin: unexpected error: ") + e.what());
      }
    }
  }

  void accept_next() {
    acceptor_.async_accept(
        [this](const boost::system::error_code& ec, tcp::socket socket) { on_accept(ec, std::move(socket)); });
  }

  void on_accept(const boost::system::error_code& ec, tcp::socket socket) {
    if (!acceptor_.is_open()) return;  // stopping
    if (ec) {
      logger_.warn("admin: accept failed: " + ec.message());
      accept_retry_timer_.expires_after(kAcceptRetryDelay);
      accept_retry_timer_.async_wait([this](const boost::system::error_code& wait_error) {
        if (!wait_error && acceptor_.is_open()) accept_next();
      });
      return;
    }
    std::erase_if(connections_, [](const auto& connection) { return connection.expired(); });
    if (connections_.size() >= limits_.max_connections) {
      metrics_.count_rejected_connection();
      logger_.debug("admin: too many connections, closing a new one");
      boost::system::error_code ignored;
      socket.close(ignored);
    } else {
      connections_.push_back(start_admin_connection(std::move(socket), context_));
    }
    accept_next();
  }

  void close_everything() {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    accept_retry_timer_.cancel();
    for (const auto& weak : connections_) {
      if (const auto connection = weak.lock()) connection->close();
    }
    connections_.clear();
  }

  MetricsRegistry& registry_;
  Logger& logger_;
  const AdminLimits limits_;
  AdminRouter router_;
  AdminMetrics metrics_;
  const AdminConnectionContext context_;

  asio::io_context io_context_{1};
  tcp::acceptor acceptor_{io_context_};
  asio::steady_timer accept_retry_timer_{io_context_};
  std::vector<std::weak_ptr<AdminConnection>> connections_;  // admin thread only

  std::mutex lifecycle_mutex_;
  std::atomic<bool> started_{false};
  std::atomic<std::uint16_t> port_{0};
  std::thread thread_;
};

AdminServer::AdminServer(MetricsRegistry& metrics, Logger& logger, AdminLimits limits)
    : impl_(std::make_unique<Impl>(metrics, logger, limits)) {}

AdminServer::~AdminServer() = default;

void AdminServer::add_route(std::string method, std::string path, AdminHandler handler) {
  impl_->add_route(std::move(method), std::move(path), std::move(handler));
}

void AdminServer::start(const std::string& address, std::uint16_t port) { impl_->start(address, port); }

std::uint16_t AdminServer::port() const { return impl_->port(); }

void AdminServer::stop() { impl_->stop(); }

}  // namespace junction
