// Test plugin "wrong_abi": its descriptor claims the next SDK ABI.
#include "broken_descriptor.hpp"

JUNCTION_TEST_BROKEN_DESCRIPTOR("wrong_abi", ::junction::kSdkAbiVersion + 1, sizeof(::junction::PluginDescriptor),
                                ::junction::kBuildFingerprint);
