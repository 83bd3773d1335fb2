#include "core/admin/admin_router.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "recording_logger.hpp"

namespace junction {
namespace {

AdminHandler answering(std::string body) {
  return [body](const AdminRequest&) {
    AdminResponse response;
    response.body = body;
    return response;
  };
}

AdminRequest request(std::string method, std::string target) {
  AdminRequest out;
  out.method = std::move(method);
  out.target = std::move(target);
  return out;
}

std::string allow_header(const AdminResponse& response) {
  for (const auto& [name, value] : response.headers)
    if (name == "Allow") return value;
  return {};
}

class AdminRouterTest : public ::testing::Test {
 protected:
  test::RecordingLogger logger;
  AdminRouter router{logger};
};

TEST_F(AdminRouterTest, MatchesExactPathAndMethod) {
  router.add("GET", "/health", answering("healthy"));
  router.add("POST", "/health", answering("posted"));
  EXPECT_EQ(router.dispatch(request("GET", "/health")).body, "healthy");
  EXPECT_EQ(router.dispatch(request("POST", "/health")).body, "posted");
  EXPECT_EQ(router.dispatch(request("GET", "/health/")).status, 404);
  EXPECT_EQ(router.dispatch(request("GET", "/Health")).status, 404);
  EXPECT_TRUE(router.has("GET", "/health"));
  EXPECT_FALSE(router.has("PUT", "/health"));
}

TEST_F(AdminRouterTest, HeadUsesTheGetHandler) {
  router.add("GET", "/metrics", answering("text"));
  EXPECT_EQ(router.dispatch(request("HEAD", "/metrics")).body, "text");
}

TEST_F(AdminRouterTest, WrongMethodIs405ListingAllowedMethods) {
  router.add("GET", "/x", answering(""));
  router.add("DELETE", "/x", answering(""));
  const AdminResponse response = router.dispatch(request("PUT", "/x"));
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(allow_header(response), "DELETE, GET, HEAD");
}

TEST_F(AdminRouterTest, LaterRouteReplacesEarlierOne) {
  router.add("GET", "/health", answering("first"));
  router.add("GET", "/health", answering("second"));
  EXPECT_EQ(router.dispatch(request("GET", "/health")).body, "second");
}

TEST_F(AdminRouterTest, ThrowingHandlerIs500AndLogged) {
  router.add("GET", "/boom", [](const AdminRequest&) -> AdminResponse { throw std::runtime_error("kaput"); });
  router.add("GET", "/odd", [](const AdminRequest&) -> AdminResponse { throw 42; });
  EXPECT_EQ(router.dispatch(request("GET", "/boom")).status, 500);
  EXPECT_EQ(router.dispatch(request("GET", "/odd")).status, 500);
  EXPECT_TRUE(logger.contains("GET /boom threw: kaput"));
  EXPECT_TRUE(logger.contains("GET /odd threw"));
}

TEST_F(AdminRouterTest, UnsendableStatusIs500) {
  router.add("GET", "/bad", [](const AdminRequest&) { return AdminResponse{.status = 1000}; });
  EXPECT_EQ(router.dispatch(request("GET", "/bad")).status, 500);
  EXPECT_TRUE(logger.contains("returned status 1000"));
}

TEST_F(AdminRouterTest, RejectsMalformedRoutes) {
  EXPECT_THROW(router.add("", "/x", answering("")), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "x", answering("")), std::invalid_argument);
  EXPECT_THROW(router.add("GET", "/x", AdminHandler{}), std::invalid_argument);
}

}  // namespace
}  // namespace junction
