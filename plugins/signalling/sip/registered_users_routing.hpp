// Routing strategy "registered_users": a number that is a user's extension rings every phone
// the user has registered, all at once. A user with no registered phone is reported absent
// (SIP 480) rather than unknown; numbers that are no extension are left to other strategies.
#pragma once

#include "junction/directory.hpp"
#include "junction/location.hpp"
#include "junction/routing.hpp"

namespace junction::sip {

class RegisteredUsersRouting final : public RoutingStrategy {
 public:
  RegisteredUsersRouting(const Directory& directory, LocationService& location)
      : directory_(directory), location_(location) {}

  std::string_view name() const override { return "registered_users"; }
  RouteDecision route(const RouteRequest& request) override;

 private:
  const Directory& directory_;
  LocationService& location_;
};

}  // namespace junction::sip
