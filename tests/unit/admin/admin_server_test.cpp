#include "core/admin/admin_server.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

#include "core/metrics/metrics_registry.hpp"
#include "exposition_parser.hpp"
#include "recording_logger.hpp"
#include "test_http_client.hpp"

namespace junction {
namespace {

using namespace std::chrono_literals;
using test::http_request;
using test::TestConnection;

constexpr const char* kPrometheusType = "text/plain; version=0.0.4; charset=utf-8";

class AdminServerTest : public ::testing::Test {
 protected:
  void start(AdminLimits limits = {}) {
    if (!server) server = std::make_unique<AdminServer>(registry, logger, limits);
    server->start("127.0.0.1", 0);
    ASSERT_NE(server->port(), 0);
  }

  void add_route(std::string method, std::string path, AdminHandler handler) {
    if (!server) server = std::make_unique<AdminServer>(registry, logger);
    server->add_route(std::move(method), std::move(path), std::move(handler));
  }

  // Sends raw bytes on a fresh connection and returns the reply, which must close the connection.
  test::HttpReply send_expecting_close(const std::string& bytes) {
    TestConnection connection(server->port());
    connection.send(bytes);
    auto reply = connection.read_reply();
    EXPECT_TRUE(reply.has_value());
    EXPECT_TRUE(connection.wait_closed());
    return reply.value_or(test::HttpReply{});
  }

  void expect_still_healthy() {
    const auto reply = http_request(server->port(), "GET", "/health");
    EXPECT_EQ(reply.status, 200);
  }

  MetricsRegistry registry;
  test::RecordingLogger logger;
  std::unique_ptr<AdminServer> server;
};

TEST_F(AdminServerTest, DefaultHealthIsOkJson) {
  start();
  const auto reply = http_request(server->port(), "GET", "/health");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("content-type"), "application/json");
  EXPECT_EQ(reply.body, R"({"status":"ok"})");
}

TEST_F(AdminServerTest, DaemonHealthRouteReplacesTheDefault) {
  add_route("GET", "/health", [](const AdminRequest&) {
    return AdminResponse{.status = 200, .content_type = "application/json", .body = R"({"node":"n1"})"};
  });
  start();
  EXPECT_EQ(http_request(server->port(), "GET", "/health").body, R"({"node":"n1"})");
}

TEST_F(AdminServerTest, MetricsServeTheRegistryAsParsableExposition) {
  registry.counter("junction_calls_total", "Calls placed.", {{"driver", "loop\"back\\\n"}}).add(3);
  registry.gauge("junction_active_calls", "Calls up.").set(2);
  start();
  const auto reply = http_request(server->port(), "GET", "/metrics");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("content-type"), kPrometheusType);

  const auto exposition = test::parse_exposition(reply.body);
  EXPECT_EQ(exposition.type.at("junction_calls_total"), "counter");
  EXPECT_EQ(exposition.help.at("junction_calls_total"), "Calls placed.");
  EXPECT_EQ(exposition.value("junction_calls_total", {{"driver", "loop\"back\\\n"}}), 3.0);
  EXPECT_EQ(exposition.value("junction_active_calls"), 2.0);
  EXPECT_TRUE(exposition.value("process_open_fds").has_value());
}

TEST_F(AdminServerTest, ResponsesAreCountedByStatus) {
  start();
  http_request(server->port(), "GET", "/nowhere");
  http_request(server->port(), "GET", "/health");
  const auto exposition = test::parse_exposition(http_request(server->port(), "GET", "/metrics").body);
  EXPECT_EQ(exposition.value("junction_admin_requests_total", {{"status", "404"}}), 1.0);
  EXPECT_EQ(exposition.value("junction_admin_requests_total", {{"status", "200"}}), 1.0);
  EXPECT_EQ(exposition.type.at("junction_admin_requests_total"), "counter");
}

TEST_F(AdminServerTest, UnknownPathIs404) {
  start();
  EXPECT_EQ(http_request(server->port(), "GET", "/nowhere").status, 404);
}

TEST_F(AdminServerTest, WrongMethodIs405WithAllowHeader) {
  start();
  const auto reply = http_request(server->port(), "POST", "/metrics", "x");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.header("allow"), "GET, HEAD");
}

TEST_F(AdminServerTest, HeadAnswersLikeGetWithoutBody) {
  start();
  TestConnection connection(server->port());
  connection.send("HEAD /health HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto head = connection.read_reply(/*head_request=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), "15");  // {"status":"ok"}
  EXPECT_EQ(head->header("content-type"), "application/json");
  // Had the server sent body bytes after the HEAD response, they would garble this reply.
  connection.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto get = connection.read_reply();
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, R"({"status":"ok"})");
}

TEST_F(AdminServerTest, HandlerSeesMethodPathQueryAndBody) {
  std::thread::id handler_thread;
  add_route("POST", "/echo", [&](const AdminRequest& request) {
    handler_thread = std::this_thread::get_id();
    return AdminResponse{.body = request.method + "|" + request.target + "|" + request.query + "|" + request.body};
  });
  start();
  const auto reply = http_request(server->port(), "POST", "/echo?verbose=1&x=2", "hello");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "POST|/echo|verbose=1&x=2|hello");
  EXPECT_EQ(reply.header("content-type"), "text/plain; charset=utf-8");
  EXPECT_NE(handler_thread, std::this_thread::get_id());  // the admin thread, not the caller's
}

TEST_F(AdminServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  TestConnection connection(server->port());
  for (int i = 0; i < 2; ++i) {
    connection.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto reply = connection.read_reply();
    ASSERT_TRUE(reply) << "request " << i;
    EXPECT_EQ(reply->status, 200);
    EXPECT_NE(reply->header("connection"), "close");
  }
  // Pipelined: both requests in one write, answered in order.
  connection.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(connection.read_reply().value_or(test::HttpReply{}).status, 200);
  EXPECT_EQ(connection.read_reply().value_or(test::HttpReply{}).status, 404);
}

TEST_F(AdminServerTest, Http10WithoutKeepAliveIsClosedAfterTheResponse) {
  start();
  const auto reply = send_expecting_close("GET /health HTTP/1.0\r\n\r\n");
  EXPECT_EQ(reply.status, 200);
}

TEST_F(AdminServerTest, GarbageRequestLineIs400AndServerStaysUp) {
  start();
  const auto reply = send_expecting_close("GARBAGE\r\n\r\n");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body.rfind("bad request: ", 0), 0u) << reply.body;
  EXPECT_EQ(reply.header("connection"), "close");
  expect_still_healthy();
}

TEST_F(AdminServerTest, BadVersionIs400) {
  start();
  EXPECT_EQ(send_expecting_close("GET /health HTTP/x.1\r\n\r\n").status, 400);
  expect_still_healthy();
}

TEST_F(AdminServerTest, BadHeaderIs400) {
  start();
  const auto reply = send_expecting_close("GET /health HTTP/1.1\r\nno colon here\r\n\r\n");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body.rfind("bad request: ", 0), 0u) << reply.body;
  expect_still_healthy();
}

TEST_F(AdminServerTest, OversizedHeaderIs431) {
  start();
  const std::string big(10 * 1024, 'a');
  const auto reply = send_expecting_close("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n");
  EXPECT_EQ(reply.status, 431);
  expect_still_healthy();
}

TEST_F(AdminServerTest, OversizedBodyIs413) {
  add_route("POST", "/upload",
            [](const AdminRequest& request) { return AdminResponse{.body = std::to_string(request.body.size())}; });
  start();
  const std::string body(64 * 1024 + 1, 'b');
  const auto reply = send_expecting_close(
      "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  EXPECT_EQ(reply.status, 413);
  expect_still_healthy();

  // Exactly at the limit is fine.
  EXPECT_EQ(http_request(server->port(), "POST", "/upload", std::string(64 * 1024, 'b')).body, "65536");
}

TEST_F(AdminServerTest, ExpectContinueGetsInterimResponse) {
  add_route("POST", "/echo", [](const AdminRequest& request) { return AdminResponse{.body = request.body}; });
  start();
  TestConnection connection(server->port());
  connection.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  const auto interim = connection.read_reply();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  connection.send("hello");
  const auto reply = connection.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->body, "hello");
}

TEST_F(AdminServerTest, ThrowingHandlerIs500AndServerStaysUp) {
  add_route("GET", "/boom", [](const AdminRequest&) -> AdminResponse { throw std::runtime_error("kaput"); });
  start();
  TestConnection connection(server->port());
  connection.send("GET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto reply = connection.read_reply();
  ASSERT_TRUE(reply);
  EXPECT_EQ(reply->status, 500);
  EXPECT_TRUE(logger.contains("GET /boom threw: kaput"));
  // Same connection still works, and so do new ones.
  connection.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(connection.read_reply().value_or(test::HttpReply{}).status, 200);
  expect_still_healthy();
}

TEST_F(AdminServerTest, StopWithClientsConnectedReturnsPromptly) {
  start();
  TestConnection idle_after_request(server->port());
  idle_after_request.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(idle_after_request.read_reply());  // accepted, answered, now waiting on keep-alive
  TestConnection half_request(server->port());
  half_request.send("GET /health HTTP/1.1\r\nHo");

  const auto before = std::chrono::steady_clock::now();
  server->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
  EXPECT_TRUE(idle_after_request.wait_closed());
  EXPECT_TRUE(half_request.wait_closed());
  EXPECT_THROW(TestConnection{server->port()}, std::runtime_error);  // nobody listens any more
}

TEST_F(AdminServerTest, StopIsIdempotentAndSafeBeforeStart) {
  server = std::make_unique<AdminServer>(registry, logger);
  server->stop();
  start();
  server->stop();
  server->stop();
  server.reset();  // the destructor stops again
}

TEST_F(AdminServerTest, IdleAndSlowConnectionsAreClosedAfterTheTimeout) {
  AdminLimits limits;
  limits.request_timeout = 300ms;
  start(limits);
  const auto before = std::chrono::steady_clock::now();  // before the connections: their deadlines start later
  TestConnection idle(server->port());
  TestConnection slow(server->port());
  slow.send("GET /health HTTP/1.1\r\n");  // and never the rest
  EXPECT_TRUE(idle.wait_closed());
  EXPECT_TRUE(slow.wait_closed());
  EXPECT_GE(std::chrono::steady_clock::now() - before, 250ms);
  expect_still_healthy();
}

TEST_F(AdminServerTest, ConnectionsBeyondTheLimitAreClosedAtOnce) {
  AdminLimits limits;
  limits.max_connections = 2;
  start(limits);
  TestConnection first(server->port());
  TestConnection second(server->port());
  for (TestConnection* connection : {&first, &second}) {
    connection->send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(connection->read_reply());  // both accepted and held open
  }
  TestConnection third(server->port());
  EXPECT_TRUE(third.wait_closed());
  EXPECT_EQ(registry.counter("junction_admin_connections_rejected_total", "").value(), 1u);
  // The admitted ones are unaffected.
  first.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(first.read_reply().value_or(test::HttpReply{}).status, 200);
}

TEST_F(AdminServerTest, BusyPortThrowsNamingTheAddress) {
  start();
  AdminServer second(registry, logger);
  const std::string where = "127.0.0.1:" + std::to_string(server->port());
  try {
    second.start("127.0.0.1", server->port());
    FAIL() << "start() did not throw";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "admin: cannot listen on " + where + ": Address already in use");
  }
  EXPECT_THROW(second.start("not-an-address", 0), std::runtime_error);
}

TEST_F(AdminServerTest, RoutesCannotBeAddedAfterStart) {
  start();
  EXPECT_THROW(server->add_route("GET", "/late", [](const AdminRequest&) { return AdminResponse{}; }),
               std::logic_error);
  EXPECT_THROW(server->start("127.0.0.1", 0), std::logic_error);
}

TEST(AdminLimitsTest, DefaultsMatchTheSpecification) {
  const AdminLimits limits;
  EXPECT_EQ(limits.max_header_bytes, 8u * 1024);
  EXPECT_EQ(limits.max_body_bytes, 64u * 1024);
  EXPECT_EQ(limits.request_timeout, 10s);
  EXPECT_EQ(limits.max_connections, 64u);
}

}  // namespace
}  // namespace junction
