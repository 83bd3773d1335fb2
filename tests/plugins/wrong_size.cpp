// Test plugin "wrong_size": right ABI and fingerprint, but a descriptor size that is not this SDK's.
#include "broken_descriptor.hpp"

JUNCTION_TEST_BROKEN_DESCRIPTOR("wrong_size", ::junction::kSdkAbiVersion, sizeof(::junction::PluginDescriptor) + 8,
                                ::junction::kBuildFingerprint);
