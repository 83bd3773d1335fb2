// ABI identity shared by junctiond and every plugin.
//
// The host reads `abi_version` and `build_fingerprint` from a plugin's descriptor before it
// calls anything in the plugin. The ABI number changes when an SDK interface changes shape;
// the fingerprint captures the toolchain facts that decide whether C++ objects (std::string,
// std::function, vtables) can cross the boundary safely.
#pragma once

#include <cstdint>
#include <string_view>

namespace junction {

/// Bumped whenever a type or virtual interface in the SDK changes shape.
inline constexpr std::uint32_t kSdkAbiVersion = 5;

/// Human-readable SDK version (informational; the ABI number is what the host checks).
inline constexpr std::string_view kSdkVersion = "0.4.0";

namespace detail {
constexpr std::uint64_t fnv1a(std::string_view text, std::uint64_t hash = 14695981039346656037ull) {
  // (the seed lets one hash continue another)
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}
#define JUNCTION_DETAIL_STR2(x) #x
#define JUNCTION_DETAIL_STR(x) JUNCTION_DETAIL_STR2(x)
#if defined(_GLIBCXX_DEBUG)
#define JUNCTION_DETAIL_STL_DEBUG "stl-debug"
#else
#define JUNCTION_DETAIL_STL_DEBUG "stl-release"
#endif
}  // namespace detail

/// Toolchain facts that must agree between host and plugin: the C++ standard library's
/// release and dual-ABI switch, its debug mode (which changes container layouts), the
/// language standard and the pointer size, plus the SDK ABI number itself.
inline constexpr std::uint64_t kBuildFingerprint = detail::fnv1a(
    "glibcxx=" JUNCTION_DETAIL_STR(_GLIBCXX_RELEASE)
    "|cxx11abi=" JUNCTION_DETAIL_STR(_GLIBCXX_USE_CXX11_ABI)
    "|std=" JUNCTION_DETAIL_STR(__cplusplus)
    "|ptr=" JUNCTION_DETAIL_STR(__SIZEOF_POINTER__)
    "|" JUNCTION_DETAIL_STL_DEBUG, detail::fnv1a(std::string_view("abi"), kSdkAbiVersion));

}  // namespace junction
