#include "core/calls/call_detail_record.hpp"

#include "core/text/text_formats.hpp"
#include "junction/cause.hpp"

namespace junction {

std::string to_json_line(const CallDetailRecord& r) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  const auto ms = [](auto d) { return std::to_string(std::max<long long>(0, duration_cast<milliseconds>(d).count())); };
  std::string line =
      "{\"call_id\":" + json_string(r.call_id) + ",\"node\":" + json_string(r.node) +
      ",\"driver\":" + json_string(r.driver) + ",\"caller\":" + json_string(r.caller) +
      ",\"caller_name\":" + json_string(r.caller_name) + ",\"callee\":" + json_string(r.callee) +
      ",\"connected_to\":" + json_string(r.connected_to) + ",\"start\":" + json_string(iso8601_utc(r.started)) +
      ",\"answer\":" + (r.answered ? json_string(iso8601_utc(*r.answered)) : std::string("null")) +
      ",\"end\":" + json_string(iso8601_utc(r.ended)) + ",\"duration_ms\":" + ms(r.ended - r.started) +
      ",\"talk_ms\":" + (r.answered ? ms(r.ended - *r.answered) : std::string("0")) +
      ",\"cause\":" + std::to_string(r.cause) + ",\"cause_name\":" + json_string(cause::name(r.cause)) + "}\n";
  return line;
}

}  // namespace junction
