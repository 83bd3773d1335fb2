// The user directory from the config file. With `open_directory` (benchmarks only) every
// well-formed name not in the file is a user too, made up on demand with the shared password.
#pragma once

#include <array>
#include <cctype>
#include <string>
#include <unordered_map>
#include <vector>

#include "junction/directory.hpp"

namespace junction {

class UserDirectory final : public Directory {
 public:
  explicit UserDirectory(std::vector<User> users, std::string open_password = {})
      : users_(std::move(users)), open_password_(std::move(open_password)) {
    for (std::size_t i = 0; i < users_.size(); ++i) by_extension_.emplace(users_[i].extension, i);
  }
  /// Call loop only. A made-up user's pointer stays valid for the next kRecent - 1 lookups.
  const User* find(std::string_view extension) const override {
    auto it = by_extension_.find(std::string(extension));
    if (it != by_extension_.end()) return &users_[it->second];
    if (open_password_.empty() || !well_formed(extension)) return nullptr;
    User& user = recent_[next_++ % recent_.size()];
    user.extension = std::string(extension);
    user.display_name.clear();
    user.sip_password = open_password_;
    return &user;
  }
  const std::vector<User>& users() const override { return users_; }
  bool open() const { return !open_password_.empty(); }

 private:
  static constexpr std::size_t kRecent = 1024;
  static bool well_formed(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (unsigned char c : name)
      if (!std::isalnum(c) && c != '_') return false;
    return true;
  }

  std::vector<User> users_;
  std::unordered_map<std::string, std::size_t> by_extension_;
  std::string open_password_;
  mutable std::array<User, kRecent> recent_;  // a ring: bounded memory however many names come
  mutable std::size_t next_ = 0;
};

}  // namespace junction
