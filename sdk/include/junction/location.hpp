// The location service: where each user is reachable right now (registered contacts).
// A core service; the SIP registrar writes it, call routing and Lua read it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace junction {

struct ContactBinding {
  std::string extension;   ///< the user, e.g. "1001"
  std::string contact;     ///< the Contact URI as registered, e.g. "sip:1001@192.168.1.20:5062"
  std::string received;    ///< where the REGISTER came from ("udp:203.0.113.7:40612"); use it to reach NATed phones
  std::string user_agent;  ///< informational
  std::string call_id;     ///< of the registration, to order refreshes
  std::uint32_t cseq = 0;
  std::chrono::system_clock::time_point expires;  ///< wall clock, so bindings survive a restart
};

/// Used on the call loop only.
class LocationService {
 public:
  virtual ~LocationService() = default;

  /// Adds a binding or refreshes the one with the same extension and contact.
  virtual void bind(ContactBinding binding) = 0;
  /// Removes one binding; false when there was none.
  virtual bool unbind(std::string_view extension, std::string_view contact) = 0;
  /// Removes every binding of the extension; returns how many there were.
  virtual std::size_t unbind_all(std::string_view extension) = 0;
  /// The unexpired bindings of the extension, most recently refreshed first.
  virtual std::vector<ContactBinding> lookup(std::string_view extension) const = 0;
  /// Unexpired bindings in total.
  virtual std::size_t size() const = 0;
};

}  // namespace junction
