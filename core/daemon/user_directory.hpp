// The user directory from the config file.
#pragma once

#include <unordered_map>
#include <vector>

#include "junction/directory.hpp"

namespace junction {

class UserDirectory final : public Directory {
 public:
  explicit UserDirectory(std::vector<User> users) : users_(std::move(users)) {
    for (std::size_t i = 0; i < users_.size(); ++i) by_extension_.emplace(users_[i].extension, i);
  }
  const User* find(std::string_view extension) const override {
    auto it = by_extension_.find(std::string(extension));
    return it == by_extension_.end() ? nullptr : &users_[it->second];
  }
  const std::vector<User>& users() const override { return users_; }

 private:
  std::vector<User> users_;
  std::unordered_map<std::string, std::size_t> by_extension_;
};

}  // namespace junction
