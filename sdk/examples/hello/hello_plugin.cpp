// Plugin "hello": the SDK's sample plugin. It shows the three things most plugins do:
//
//  * declare a config schema for its block (checked by junctiond, errors name file:line:column),
//  * register a Lua verb, here hello(name) -> "<greeting>, <name>",
//  * publish a metric, here the counter junction_hello_greetings_total.
//
// Everything it registers is removed by junctiond when the plugin stops.
#include <memory>
#include <string>

#include "junction/junction.hpp"

namespace hello {
namespace {

// The plugin's config block. Unknown keys, wrong types and missing required keys are refused
// by junctiond before configure() runs; defaults are filled in.
junction::ConfigSchema config_schema() {
  using S = junction::ConfigSchema;
  return S::map({
      {"greeting", S::string().with_default("Hello").with_doc("put in front of the name, e.g. \"Hi\"")},
  });
}

junction::VerbSpec hello_verb(std::string greeting, junction::Counter& greetings) {
  junction::VerbSpec spec;
  spec.name = "hello";
  spec.params = {{"name", junction::ParamType::string, false, "who to greet"}};
  spec.returns = "the greeting, `<greeting>, <name>`";
  spec.doc = "Returns a greeting for `name`, using the plugin's `greeting` setting.";
  // Runs on the call loop; the argument was already checked against `params`. Resolving before
  // returning lets the script continue without yielding.
  spec.handler = [greeting = std::move(greeting), &greetings](junction::VerbCall& call) {
    greetings.add();
    call.completion->resolve({greeting + ", " + *call.args[0].string()});
  };
  return spec;
}

class HelloPlugin final : public junction::Plugin {
 public:
  // Checks beyond the schema. Also run by `junctiond --check`: no sockets, no files here.
  void configure(const junction::ConfigNode& config) override {
    // Validation filled in the default, so the key is normally present.
    if (const junction::ConfigNode* greeting = config.find("greeting")) {
      if (greeting->text().empty())
        throw junction::ConfigError(greeting->mark(), greeting->path(), "expected a non-empty greeting");
      greeting_ = greeting->text();
    }
  }

  void start(junction::Host& host) override {
    log_ = &host.logger();  // lives as long as the plugin is loaded
    // Metric objects live as long as the daemon, so the verb may keep a reference.
    junction::Counter& greetings =
        host.metrics().counter("junction_hello_greetings_total", "Greetings returned by the hello verb");
    host.registrar().add_script_verb(hello_verb(greeting_, greetings));
    log_->info("hello plugin started, greeting \"" + greeting_ + "\"");
  }

  void stop() override {
    if (log_) log_->info("hello plugin stopping");
  }

 private:
  std::string greeting_ = "Hello";
  junction::Logger* log_ = nullptr;
};

}  // namespace
}  // namespace hello

JUNCTION_PLUGIN(hello::HelloPlugin, "hello", "0.1.0", "Sample plugin: a hello(name) Lua verb and a counter",
                JUNCTION_REQUIRES(), JUNCTION_OPTIONAL(), &hello::config_schema);
