// What the spool's unit tests share: a directory of their own (the config tests' TempDir), a voicemail-like message,
// and store options without a disk reserve.
#pragma once

#include <filesystem>
#include <string>

#include "core/messages/message_store.hpp"
#include "temp_dir.hpp"

namespace junction::testing {

using TempDirectory = test::TempDir;  // tests/unit/config/temp_dir.hpp

inline NewMessage voicemail(const std::string& to = "1001", std::size_t bytes = 1000) {
  NewMessage m;
  m.kind = MessageKind::voice;
  m.sender = "+4930123456";
  m.recipients = {to};
  m.headers = {{"Caller-Name", "Alice Example"}, {"Duration", "12"}};
  m.parts = {{"message.wav", "audio/wav", std::string(bytes, 'x')}};
  return m;
}

inline MessageStore::Options store_options(const std::filesystem::path& directory) {
  MessageStore::Options o;
  o.directory = directory;
  o.reserve_bytes = 0;
  return o;
}

}  // namespace junction::testing
