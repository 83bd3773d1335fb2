#include "exposition_parser.hpp"

#include <cmath>
#include <cstdlib>
#include <set>
#include <stdexcept>

namespace junction::test {

namespace {

bool is_name_char(char c, bool first, bool allow_colon) {
  const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  return letter || (allow_colon && c == ':') || (!first && c >= '0' && c <= '9');
}

class LineReader {
 public:
  explicit LineReader(std::string_view line) : line_(line) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("exposition: " + what + " in line: " + std::string(line_));
  }

  std::string name(bool allow_colon) {
    std::size_t end = pos_;
    while (end < line_.size() && is_name_char(line_[end], end == pos_, allow_colon)) ++end;
    if (end == pos_) fail("expected a name");
    std::string out(line_.substr(pos_, end - pos_));
    pos_ = end;
    return out;
  }

  bool take(char c) {
    if (pos_ < line_.size() && line_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  void expect(char c) {
    if (!take(c)) fail(std::string("expected '") + c + "'");
  }

  std::string label_value() {
    expect('"');
    std::string out;
    for (;;) {
      if (pos_ >= line_.size()) fail("unterminated label value");
      const char c = line_[pos_++];
      if (c == '"') return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos_ >= line_.size()) fail("dangling escape");
      const char escaped = line_[pos_++];
      if (escaped == '\\') {
        out += '\\';
      } else if (escaped == '"') {
        out += '"';
      } else if (escaped == 'n') {
        out += '\n';
      } else {
        fail("bad escape");
      }
    }
  }

  std::string_view rest() const { return line_.substr(pos_); }

 private:
  std::string_view line_;
  std::size_t pos_ = 0;
};

double parse_value(std::string_view text, const LineReader& reader) {
  if (text == "NaN") return std::nan("");
  if (text == "+Inf") return INFINITY;
  if (text == "-Inf") return -INFINITY;
  const std::string copy(text);
  char* end = nullptr;
  const double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size()) reader.fail("bad value '" + copy + "'");
  return value;
}

std::string unescape_help(std::string_view text, const LineReader& reader) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out += text[i];
    } else if (i + 1 < text.size() && text[i + 1] == '\\') {
      out += '\\';
      ++i;
    } else if (i + 1 < text.size() && text[i + 1] == 'n') {
      out += '\n';
      ++i;
    } else {
      reader.fail("bad escape in HELP");
    }
  }
  return out;
}

}  // namespace

std::optional<double> Exposition::value(const std::string& name,
                                        const std::map<std::string, std::string>& labels) const {
  for (const auto& sample : samples)
    if (sample.name == name && sample.labels == labels) return sample.value;
  return std::nullopt;
}

Exposition parse_exposition(std::string_view text) {
  if (!text.empty() && text.back() != '\n') throw std::runtime_error("exposition: no final newline");
  Exposition out;
  std::set<std::string> finished_families;  // families whose samples are over
  std::string current_family;
  const auto enter_family = [&](const std::string& family, const LineReader& reader) {
    if (family == current_family) return;
    if (finished_families.contains(family)) reader.fail("family '" + family + "' split apart");
    if (!current_family.empty()) finished_families.insert(current_family);
    current_family = family;
    out.families.push_back(family);
  };

  while (!text.empty()) {
    const auto newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline + 1);
    LineReader reader(line);
    if (line.empty()) continue;

    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      const bool is_help = line[2] == 'H';
      LineReader rest(line.substr(7));
      const std::string family = rest.name(true);
      enter_family(family, reader);
      rest.expect(' ');
      auto& slot = is_help ? out.help : out.type;
      if (slot.contains(family)) reader.fail(std::string(is_help ? "HELP" : "TYPE") + " repeated");
      if (is_help) {
        slot[family] = unescape_help(rest.rest(), reader);
      } else {
        const std::string type(rest.rest());
        if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" && type != "untyped") {
          reader.fail("unknown type");
        }
        for (const auto& sample : out.samples)
          if (sample.name == family) reader.fail("TYPE after the family's samples");
        slot[family] = type;
      }
      continue;
    }
    if (line.front() == '#') continue;  // a plain comment

    ExpositionSample sample;
    sample.name = reader.name(true);
    enter_family(sample.name, reader);
    if (reader.take('{')) {
      while (!reader.take('}')) {
        const std::string label = reader.name(false);
        reader.expect('=');
        if (!sample.labels.emplace(label, reader.label_value()).second) reader.fail("label repeated");
        if (!reader.take(',')) {
          reader.expect('}');
          break;
        }
      }
    }
    reader.expect(' ');
    sample.value = parse_value(reader.rest(), reader);
    out.samples.push_back(std::move(sample));
  }
  return out;
}

}  // namespace junction::test
