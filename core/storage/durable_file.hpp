// Files that are on disk when the call returns: what the embedded stores (the message spool,
// the voice mailboxes) write before they say "saved". Errors are std::runtime_error naming
// the file.
#pragma once

#include <filesystem>
#include <string_view>

namespace junction {

/// Writes `data` to a new file (it must not exist) and fsyncs it.
void write_durably(const std::filesystem::path& path, std::string_view data);
/// A rename or removal in `directory` is durable once the directory itself is synced.
void sync_directory(const std::filesystem::path& directory);
/// Copies `from` to `to` (replacing it) so that a crash leaves either the old `to` or the whole
/// new one: a temporary file beside it, fsynced, renamed over it, the directory synced.
void copy_durably(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace junction
