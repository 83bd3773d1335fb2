#include "pickup_folder.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <random>

namespace junction::mail {
namespace {

namespace fs = std::filesystem;

struct Folder {
  fs::path path = fs::temp_directory_path() / ("junction-pickup-" + std::to_string(std::random_device{}())) / "out";
  ~Folder() {
    std::error_code ec;
    fs::remove_all(path.parent_path(), ec);
  }
};

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(PickupFolder, TheMailAppearsWholeUnderItsNameAndNothingElseStays) {
  Folder folder;
  const auto result = drop_into_folder(folder.path, "m1", "Subject: x\r\n\r\nhello\r\n");
  EXPECT_EQ(result.outcome, DeliveryResult::Outcome::delivered) << result.detail;
  EXPECT_EQ(read(folder.path / "m1.eml"), "Subject: x\r\n\r\nhello\r\n");
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(folder.path)) files += entry.is_regular_file();
  EXPECT_EQ(files, 1u) << "no temporary file is left";
}

TEST(PickupFolder, AMailAlreadyThereIsNotWrittenTwice) {
  Folder folder;
  ASSERT_EQ(drop_into_folder(folder.path, "m1", "first").outcome, DeliveryResult::Outcome::delivered);
  const auto again = drop_into_folder(folder.path, "m1", "second");
  EXPECT_EQ(again.outcome, DeliveryResult::Outcome::delivered);
  EXPECT_EQ(read(folder.path / "m1.eml"), "first");
}

TEST(PickupFolder, AFolderThatCannotBeWrittenIsATemporaryFailure) {
  Folder folder;
  fs::create_directories(folder.path.parent_path());
  std::ofstream(folder.path) << "a file where the folder should be";
  const auto result = drop_into_folder(folder.path, "m1", "x");
  EXPECT_EQ(result.outcome, DeliveryResult::Outcome::retry);
  EXPECT_NE(result.detail.find(folder.path.string()), std::string::npos) << result.detail;
}

}  // namespace
}  // namespace junction::mail
