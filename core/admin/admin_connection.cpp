#include "core/admin/admin_connection.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "core/admin/admin_http.hpp"
#include "core/admin/admin_limits.hpp"
#include "core/admin/admin_metrics.hpp"
#include "core/admin/admin_router.hpp"
#include "junction/logger.hpp"

namespace junction {

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// After an error response we stop reading requests but keep draining what the client still
// sends, for at most this long: closing a socket with unread data makes the kernel send RST,
// which can destroy the response before the client has read it.
constexpr std::chrono::milliseconds kLingerTime{2000};

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

bool is_http_parse_error(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_method).category();
}

AdminRequest to_admin_request(http::request<http::string_body>& request) {
  AdminRequest out;
  out.method = std::string(request.method_string());
  const std::string_view target(request.target().data(), request.target().size());
  const auto question = target.find('?');
  out.target = std::string(target.substr(0, question));
  if (question != std::string_view::npos) out.query = std::string(target.substr(question + 1));
  out.body = std::move(request.body());
  return out;
}

class BeastAdminConnection final : public AdminConnection, public std::enable_shared_from_this<BeastAdminConnection> {
 public:
  BeastAdminConnection(tcp::socket socket, const AdminConnectionContext& context)
      : stream_(std::move(socket)), context_(context) {
    // Responses are small and written whole; Nagle would hold a pipelined second response
    // back until the client's delayed ACK (~40 ms).
    beast::error_code ignored;
    stream_.socket().set_option(tcp::no_delay(true), ignored);
  }

  void start() { read_header(); }

  void close() override {
    closed_ = true;
    stream_.close();
  }

 private:
  using Response = http::response<http::string_body>;

  // The deadline is set once per request, so a client trickling bytes cannot extend it.
  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(context_.limits.max_header_bytes));
    parser_->body_limit(context_.limits.max_body_bytes);
    stream_.expires_after(context_.limits.request_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (closed_) return;
    if (ec) return on_read_error(ec);
    // curl and others wait for "100 Continue" before sending a body; without it they stall.
    if (!parser_->is_done() && beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                        [self = shared_from_this()](beast::error_code ec, std::size_t) {
                          if (self->closed_) return;
                          if (ec) return self->close_now();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_request(ec); });
  }

  void on_read_error(beast::error_code ec) {
    if (ec == http::error::header_limit) return respond_and_close(431, "request header fields too large");
    if (ec == http::error::body_limit) return respond_and_close(413, "request body too large");
    // end_of_stream / partial_message: the client left, there is nobody to answer.
    if (is_http_parse_error(ec) && ec != http::error::end_of_stream && ec != http::error::partial_message) {
      return respond_and_close(400, "bad request: " + ec.message());
    }
    close_now();  // timeout, reset, or stop()
  }

  void on_request(beast::error_code ec) {
    if (closed_) return;
    if (ec) return on_read_error(ec);
    http::request<http::string_body> request = parser_->release();
    const bool head = request.method() == http::verb::head;
    AdminResponse answer = context_.router.dispatch(to_admin_request(request));

    response_.emplace();
    response_->version(request.version());
    response_->result(static_cast<unsigned>(answer.status));
    response_->set(http::field::server, "junction/" JUNCTION_VERSION);
    if (!answer.content_type.empty()) response_->set(http::field::content_type, answer.content_type);
    for (const auto& [name, value] : answer.headers) response_->set(name, value);
    response_->body() = std::move(answer.body);
    response_->keep_alive(request.keep_alive());
    response_->prepare_payload();
    if (head) response_->body().clear();  // Content-Length keeps describing the GET body
    send_response();
  }

  void respond_and_close(int status, std::string message) {
    context_.logger.debug("admin: answering " + std::to_string(status) + ": " + message);
    response_.emplace(static_cast<http::status>(status), 11);
    response_->set(http::field::server, "junction/" JUNCTION_VERSION);
    response_->set(http::field::content_type, "text/plain; charset=utf-8");
    response_->body() = std::move(message) + "\n";
    response_->keep_alive(false);
    response_->prepare_payload();
    send_response();
  }

  void send_response() {
    context_.metrics.count_response(static_cast<int>(response_->result_int()));
    stream_.expires_after(context_.limits.request_timeout);
    http::async_write(stream_, *response_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_written(ec); });
  }

  void on_written(beast::error_code ec) {
    if (closed_) return;
    if (ec) return close_now();
    if (response_->need_eof()) return linger_then_close();
    read_header();
  }

  void linger_then_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::min<std::chrono::milliseconds>(context_.limits.request_timeout, kLingerTime));
    drain();
  }

  void drain() {
    stream_.async_read_some(asio::buffer(drain_buffer_),
                            [self = shared_from_this()](beast::error_code ec, std::size_t) {
                              if (self->closed_) return;
                              if (ec) return self->close_now();  // end of stream, or the linger time is over
                              self->drain();
                            });
  }

  void close_now() {
    closed_ = true;
    stream_.close();
  }

  beast::tcp_stream stream_;
  const AdminConnectionContext& context_;
  beast::flat_buffer buffer_;  // survives between requests: it may hold the start of the next one
  std::optional<http::request_parser<http::string_body>> parser_;  // a parser reads one message only
  std::optional<Response> response_;                               // must outlive async_write
  std::array<char, 4096> drain_buffer_;
  bool closed_ = false;
};

}  // namespace

std::shared_ptr<AdminConnection> start_admin_connection(asio::ip::tcp::socket socket,
                                                        const AdminConnectionContext& context) {
  auto connection = std::make_shared<BeastAdminConnection>(std::move(socket), context);
  connection->start();
  return connection;
}

}  // namespace junction
