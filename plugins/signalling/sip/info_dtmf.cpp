#include "info_dtmf.hpp"

#include <strings.h>

#include <cctype>
#include <string>

namespace junction::sip {

namespace {
std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

bool same(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<char> key_of(std::string_view text) {
  text = trim(text);
  if (text == "10") return '*';
  if (text == "11") return '#';
  if (text.size() != 1) return std::nullopt;
  const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(text.front())));
  if ((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D')) return c;
  return std::nullopt;
}

InfoDtmfResult found(std::optional<char> key) {
  return key ? InfoDtmfResult{InfoDtmf::key, *key} : InfoDtmfResult{InfoDtmf::malformed, 0};
}
}  // namespace

InfoDtmfResult dtmf_of_info(std::string_view content_type, std::string_view body) {
  const std::string_view type = trim(content_type.substr(0, content_type.find(';')));
  if (same(type, "application/dtmf")) return found(key_of(body));
  if (!same(type, "application/dtmf-relay")) return {};
  // Lines of "Name=value"; only Signal matters (Duration is the phone's business).
  while (!body.empty()) {
    const auto end = body.find('\n');
    const std::string_view line = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view{} : body.substr(end + 1);
    const auto equals = line.find('=');
    if (equals != std::string_view::npos && same(trim(line.substr(0, equals)), "signal"))
      return found(key_of(line.substr(equals + 1)));
  }
  return {InfoDtmf::malformed, 0};
}

std::string info_dtmf_body(char key) { return std::string("Signal=") + key + "\r\nDuration=160\r\n"; }

}  // namespace junction::sip
