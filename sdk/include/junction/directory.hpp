// The user directory: who exists and how to reach and authenticate them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace junction {

struct User {
  std::string extension;
  std::string display_name;
  std::string email;
  std::string sip_password;   ///< empty: the user cannot register
  std::string voicemail_pin;  ///< empty: mailbox menu disabled
  /// Digest algorithms this user may authenticate with ("sha256", "md5"); empty: the
  /// registrar's default.
  std::vector<std::string> sip_auth_algorithms;
  /// The language prompts and speech use for this user ("de", "en" ...); empty: the default.
  std::string language;
};

class Directory {
 public:
  virtual ~Directory() = default;
  /// Returns nullptr when no user has this extension.
  virtual const User* find(std::string_view extension) const = 0;
  virtual const std::vector<User>& users() const = 0;
};

}  // namespace junction
