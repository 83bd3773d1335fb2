#include "registered_users_routing.hpp"

#include "junction/cause.hpp"

namespace junction::sip {

RouteDecision RegisteredUsersRouting::route(const RouteRequest& request) {
  RouteDecision decision;
  if (!directory_.find(request.number)) return decision;
  for (const ContactBinding& binding : location_.lookup(request.number))
    decision.targets.push_back("sip/" + binding.contact);
  decision.mode = RouteDecision::Mode::parallel;
  if (decision.targets.empty()) decision.refusal_cause = cause::subscriber_absent;
  return decision;
}

}  // namespace junction::sip
