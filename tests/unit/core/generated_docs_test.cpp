// docs/lua-api.md must be what the verb declarations generate.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/daemon/daemon.hpp"

namespace junction {
namespace {

TEST(LuaApiDoc, CommittedReferenceMatchesTheVerbTable) {
  std::ifstream in(JUNCTION_SOURCE_DIR "/docs/lua-api.md");
  ASSERT_TRUE(in) << "docs/lua-api.md is missing";
  std::stringstream committed;
  committed << in.rdbuf();
  EXPECT_EQ(committed.str(), core_lua_api())
      << "docs/lua-api.md is stale: regenerate it with `build/bin/junctiond --lua-api > docs/lua-api.md`";
}

TEST(ConfigReference, CommittedReferenceMatchesTheSchema) {
  std::ifstream in(JUNCTION_SOURCE_DIR "/docs/configuration.md");
  ASSERT_TRUE(in) << "docs/configuration.md is missing";
  std::stringstream committed;
  committed << in.rdbuf();
  EXPECT_EQ(committed.str(), config_reference())
      << "docs/configuration.md is stale: regenerate it with `build/bin/junctiond --config-reference > "
         "docs/configuration.md`";
}

TEST(LuaApiDoc, EveryCoreVerbIsDocumentedWithItsParameters) {
  const std::string doc = core_lua_api();
  for (const char* heading :
       {"### `answer()`", "### `dial(target, options?)`", "### `hangup(cause?)`", "### `log(message, level?)`",
        "### `sleep(ms)`", "### `play(files, options?)` — reserved"})
    EXPECT_NE(doc.find(heading), std::string::npos) << heading;
}

}  // namespace
}  // namespace junction
