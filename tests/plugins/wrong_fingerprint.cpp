// Test plugin "wrong_fingerprint": right ABI, but built (it claims) with another toolchain.
#include "broken_descriptor.hpp"

JUNCTION_TEST_BROKEN_DESCRIPTOR("wrong_fingerprint", ::junction::kSdkAbiVersion, sizeof(::junction::PluginDescriptor),
                                ::junction::kBuildFingerprint ^ 1);
