#include "core/metrics/process_metrics.hpp"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <sstream>
#include <string>

namespace junction {

namespace {

constexpr std::string_view kCpuSeconds = "process_cpu_seconds_total";
constexpr std::string_view kOpenFds = "process_open_fds";
constexpr std::string_view kResidentMemory = "process_resident_memory_bytes";
constexpr std::string_view kStartTime = "process_start_time_seconds";

// Fields of /proc/self/stat after "pid (comm) ", counted from 0 at field 3 (state);
// see proc(5). The comm field may hold spaces and parentheses, hence parsing after the last ')'.
constexpr std::size_t kUtime = 14 - 3;
constexpr std::size_t kStime = 15 - 3;
constexpr std::size_t kStartTicks = 22 - 3;
constexpr std::size_t kRssPages = 24 - 3;

std::optional<std::vector<std::string>> read_stat_fields() {
  std::ifstream file("/proc/self/stat");
  std::string line;
  if (!std::getline(file, line)) return std::nullopt;
  const auto comm_end = line.rfind(')');
  if (comm_end == std::string::npos) return std::nullopt;
  std::istringstream rest(line.substr(comm_end + 1));
  std::vector<std::string> fields{std::istream_iterator<std::string>(rest), std::istream_iterator<std::string>()};
  if (fields.size() <= kRssPages) return std::nullopt;
  return fields;
}

// Boot time in seconds since the epoch: process start times in /proc are relative to it.
std::optional<double> read_boot_time() {
  std::ifstream file("/proc/stat");
  std::string key;
  while (file >> key) {
    if (key == "btime") {
      double seconds = 0;
      if (file >> seconds) return seconds;
      return std::nullopt;
    }
    file.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return std::nullopt;
}

std::optional<double> count_open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return std::nullopt;
  // The listing itself holds a descriptor; it is not one of the process's own.
  const std::string own_fd = std::to_string(dirfd(dir));
  double count = 0;
  while (const dirent* entry = readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name != "." && name != ".." && name != own_fd) ++count;
  }
  closedir(dir);
  return count;
}

}  // namespace

std::vector<ProcessMetric> read_process_metrics() {
  std::vector<ProcessMetric> metrics;
  const double ticks_per_second = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page_size = static_cast<double>(sysconf(_SC_PAGESIZE));

  if (const auto fields = read_stat_fields()) {
    const auto number = [&](std::size_t index) { return std::stod((*fields)[index]); };
    try {
      metrics.push_back({kCpuSeconds, "Total user and system CPU time spent in seconds.", "counter",
                         (number(kUtime) + number(kStime)) / ticks_per_second});
      metrics.push_back({kResidentMemory, "Resident memory size in bytes.", "gauge", number(kRssPages) * page_size});
      if (const auto boot = read_boot_time()) {
        metrics.push_back({kStartTime, "Start time of the process since unix epoch in seconds.", "gauge",
                           *boot + number(kStartTicks) / ticks_per_second});
      }
    } catch (const std::exception&) {
      // A /proc format this code does not understand: serve the other metrics rather than fail the scrape.
    }
  }
  if (const auto fds = count_open_fds()) {
    metrics.push_back({kOpenFds, "Number of open file descriptors.", "gauge", *fds});
  }
  std::sort(metrics.begin(), metrics.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return metrics;
}

bool is_process_metric_name(std::string_view name) {
  return name == kCpuSeconds || name == kOpenFds || name == kResidentMemory || name == kStartTime;
}

}  // namespace junction
