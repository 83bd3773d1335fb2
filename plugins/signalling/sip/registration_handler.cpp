#include "registration_handler.hpp"

#include <algorithm>

namespace junction::sip {

RegisterResponse RegistrationHandler::listing(const std::vector<ContactBinding>& bindings,
                                              std::chrono::system_clock::time_point now) {
  RegisterResponse response;
  for (const ContactBinding& binding : bindings) {
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(binding.expires - now).count();
    response.contacts.emplace_back(binding.contact, std::max<long long>(left, 0));
  }
  return response;
}

RegisterResponse RegistrationHandler::handle(const RegisterRequest& request, std::chrono::system_clock::time_point now,
                                             AuthThrottle::Clock::time_point steady_now) {
  if (request.aor_user.empty()) {
    RegisterResponse response;
    response.status = 400;
    response.reason = "Bad Request";
    response.log_detail = "no user in the To header";
    return response;
  }

  const AuthDecision auth =
      auth_.check(request.aor_user, request.credentials, "REGISTER", request.source_address, now, steady_now);
  if (auth.kind != AuthDecision::Kind::accepted) {
    RegisterResponse response;
    response.log_detail = auth.detail;
    if (auth.kind == AuthDecision::Kind::challenge) {
      response.status = 401;
      response.reason = "Unauthorized";
      response.www_authenticate = auth.challenges;
    } else {
      response.status = auth.status;
      response.reason = auth.reason;
    }
    return response;
  }

  // A query: no Contact, answer with what is bound.
  if (request.contacts.empty()) {
    RegisterResponse response = listing(location_.lookup(request.aor_user), now);
    response.log_detail = "queried";
    return response;
  }

  // "Contact: *" with "Expires: 0" removes every binding; anything else with * is an error.
  const bool wildcard = std::any_of(request.contacts.begin(), request.contacts.end(),
                                    [](const RegisterContact& c) { return c.uri == "*"; });
  if (wildcard) {
    if (request.contacts.size() != 1 || request.expires_header.value_or(-1) != 0) {
      RegisterResponse response;
      response.status = 400;
      response.reason = "Bad Request";
      response.log_detail = "Contact: * needs Expires: 0 and no other contact";
      return response;
    }
    const std::size_t removed = location_.unbind_all(request.aor_user);
    RegisterResponse response;
    response.log_detail = "unregistered all " + std::to_string(removed) + " contacts";
    return response;
  }

  // Every contact is checked before any is applied: a 423 changes nothing.
  std::vector<std::pair<const RegisterContact*, long long>> wanted;
  for (const RegisterContact& contact : request.contacts) {
    long long expires = contact.expires.value_or(request.expires_header.value_or(policy_.default_expires.count()));
    if (expires < 0) expires = policy_.default_expires.count();
    if (expires > 0 && expires < policy_.min_expires.count()) {
      RegisterResponse response;
      response.status = 423;
      response.reason = "Interval Too Brief";
      response.min_expires = policy_.min_expires.count();
      response.log_detail = "expires " + std::to_string(expires) + " below the minimum";
      return response;
    }
    wanted.emplace_back(&contact, std::min<long long>(expires, policy_.max_expires.count()));
  }

  // RFC 3261 10.3 step 7: a refresh with the same Call-ID must not go backwards in CSeq. The
  // same CSeq again is a retransmission (REGISTER is answered without a server transaction):
  // it is answered again, like the original.
  const std::vector<ContactBinding> existing = location_.lookup(request.aor_user);
  for (const auto& [contact, expires] : wanted) {
    for (const ContactBinding& bound : existing) {
      if (bound.contact == contact->uri && bound.call_id == request.call_id && request.cseq < bound.cseq) {
        RegisterResponse response;
        response.status = 500;
        response.reason = "Out of Order";
        response.log_detail = "CSeq " + std::to_string(request.cseq) + " is older than the binding's";
        return response;
      }
    }
  }

  for (const auto& [contact, expires] : wanted) {
    if (expires == 0) {
      location_.unbind(request.aor_user, contact->uri);
      continue;
    }
    ContactBinding binding;
    binding.extension = request.aor_user;
    binding.contact = contact->uri;
    binding.received = request.received;
    binding.user_agent = request.user_agent;
    binding.call_id = request.call_id;
    binding.cseq = request.cseq;
    binding.expires = now + std::chrono::seconds(expires);
    location_.bind(std::move(binding));
  }
  // Beyond the per-user limit the least recently refreshed contacts go.
  std::vector<ContactBinding> bound = location_.lookup(request.aor_user);
  for (std::size_t i = policy_.max_contacts_per_user; i < bound.size(); ++i)
    location_.unbind(request.aor_user, bound[i].contact);
  if (bound.size() > policy_.max_contacts_per_user) bound.resize(policy_.max_contacts_per_user);

  RegisterResponse response = listing(bound, now);
  response.log_detail = "registered, " + std::to_string(response.contacts.size()) + " contacts";
  return response;
}

}  // namespace junction::sip
