// Delivering a mail by dropping it into a pickup folder (the way Exchange and Postfix pickup
// directories and shared network folders take mail): written under a hidden temporary name,
// fsynced, renamed to <message id>.eml and the folder fsynced, so a reader never sees half a
// mail and a crash never loses one the spool was told is delivered.
#pragma once

#include <filesystem>
#include <string>

#include "junction/messages.hpp"

namespace junction::mail {

/// Writes `mail` as `folder`/`name`.eml; an existing one with that name counts as delivered
/// (the same message, delivered before a crash). Never throws: failures come back as `retry`.
DeliveryResult drop_into_folder(const std::filesystem::path& folder, const std::string& name, const std::string& mail);

}  // namespace junction::mail
