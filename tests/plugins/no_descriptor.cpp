// Test "plugin" no_descriptor: a shared library that exports something, but no
// junction_plugin_descriptor.
extern "C" __attribute__((visibility("default"))) int junction_not_a_plugin_answer() { return 42; }
