// Ids that sort by creation time and are unique by chance: "20261122T134512-5f0c9a1b2c3d4e5f"
// (UTC second, then random hex). What the stores name messages by.
#pragma once

#include <cstdint>
#include <string>

namespace junction {

/// The current UTC second and the low `hex_digits` (1-16) hex digits of `random`.
std::string sortable_id(std::uint64_t random, int hex_digits = 16);

}  // namespace junction
