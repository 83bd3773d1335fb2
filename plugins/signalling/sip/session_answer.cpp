#include "session_answer.hpp"

#include <sstream>

namespace junction::sip {

std::string decline_all_media(const std::string& offer) {
  std::istringstream lines(offer);
  std::string line;
  std::string out;
  bool has_media = false;
  bool in_media = false;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() < 2 || line[1] != '=') continue;
    if (line[0] == 'm') {
      // m=<media> <port> <proto> <fmt> ... -> m=<media> 0 <proto> <first fmt>
      std::istringstream fields(line.substr(2));
      std::string media, port, proto, format;
      fields >> media >> port >> proto >> format;
      if (media.empty() || proto.empty()) continue;
      out += "m=" + media + " 0 " + proto + (format.empty() ? "" : " " + format) + "\r\n";
      has_media = in_media = true;
    } else if (!in_media && (line[0] == 'v' || line[0] == 'o' || line[0] == 's' || line[0] == 'c' || line[0] == 't')) {
      out += line + "\r\n";  // session-level lines only; media attributes are dropped
    }
  }
  return has_media ? out : std::string{};
}

}  // namespace junction::sip
