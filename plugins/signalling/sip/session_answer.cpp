#include "session_answer.hpp"

#include <sstream>

namespace junction::sip {

std::string decline_all_media(const std::string& offer) {
  std::istringstream lines(offer);
  std::string line;
  std::string media;
  std::string connection;  // the offer's first c= line, session or media level
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.size() < 2 || line[1] != '=') continue;
    if (line[0] == 'c' && connection.empty()) connection = line;
    if (line[0] != 'm') continue;
    // m=<media> <port> <proto> <fmt> ... -> m=<media> 0 <proto> <first fmt>
    std::istringstream fields(line.substr(2));
    std::string kind, port, proto, format;
    fields >> kind >> port >> proto >> format;
    if (kind.empty() || proto.empty()) continue;
    media += "m=" + kind + " 0 " + proto + " " + (format.empty() ? "0" : format) + "\r\n";
  }
  if (media.empty()) return {};
  // Our own origin; a connection line the grammar needs, though no stream will use it.
  if (connection.empty()) connection = "c=IN IP4 0.0.0.0";
  return "v=0\r\no=junction 0 0 IN IP4 0.0.0.0\r\ns=-\r\n" + connection + "\r\nt=0 0\r\n" + media;
}

}  // namespace junction::sip
