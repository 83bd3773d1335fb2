#include "core/messages/spool_admin.hpp"

#include <future>

#include "core/admin/admin_json.hpp"
#include "core/text/text_formats.hpp"

namespace junction {

namespace {

std::string json_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) out += (out.size() > 1 ? ", " : "") + json_string(item);
  return out + "]";
}

std::string json_time(std::chrono::system_clock::time_point t) {
  return t == std::chrono::system_clock::time_point{} ? "null" : json_string(iso8601_utc(t));
}

std::string summary(const MessageRecord& m) {
  return "{\"id\": " + json_string(m.id) + ", \"kind\": " + json_string(std::string(to_string(m.kind))) +
         ", \"state\": " + json_string(std::string(to_string(m.state))) + ", \"sender\": " + json_string(m.sender) +
         ", \"recipients\": " + json_list(m.recipients) + ", \"attempts\": " + std::to_string(m.attempts) +
         ", \"created\": " + json_time(m.created) + ", \"next_attempt\": " + json_time(m.next_attempt) +
         ", \"last_error\": " + json_string(m.last_error) + "}";
}

std::string details(const MessageRecord& m, const std::vector<MessageEvent>& history) {
  std::string out = summary(m);
  out.pop_back();
  out += ", \"headers\": {";
  for (std::size_t i = 0; i < m.headers.size(); ++i)
    out += (i ? ", " : "") + json_string(m.headers[i].first) + ": " + json_string(m.headers[i].second);
  out += "}, \"parts\": [";
  for (std::size_t i = 0; i < m.parts.size(); ++i)
    out += std::string(i ? ", " : "") + "{\"name\": " + json_string(m.parts[i].name) +
           ", \"content_type\": " + json_string(m.parts[i].content_type) +
           ", \"size\": " + std::to_string(m.parts[i].size) + ", \"sha256\": " + json_string(m.parts[i].sha256) + "}";
  out += "], \"history\": [";
  for (std::size_t i = 0; i < history.size(); ++i)
    out += std::string(i ? ", " : "") + "{\"at\": " + json_time(history[i].at) +
           ", \"state\": " + json_string(std::string(to_string(history[i].state))) +
           ", \"detail\": " + json_string(history[i].detail) + "}";
  return out + "]}";
}

// Runs `job` on the spool's thread and waits for its answer: the admin thread may wait, briefly.
AdminResponse on_spool(MessageSpoolService& spool, std::function<AdminResponse(MessageStore&)> job) {
  auto answer = std::make_shared<std::promise<AdminResponse>>();
  auto result = answer->get_future();
  spool.run([answer, job = std::move(job)](MessageStore& store) {
    try {
      answer->set_value(job(store));
    } catch (const std::exception& e) {
      answer->set_value(json_error(500, e.what()));
    }
  });
  if (result.wait_for(std::chrono::seconds(10)) != std::future_status::ready)
    return json_error(503, "the spool is busy; try again");
  return result.get();
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    const auto end = query.find('&');
    const std::string_view pair = query.substr(0, end);
    query = end == std::string_view::npos ? std::string_view{} : query.substr(end + 1);
    const auto equals = pair.find('=');
    if (pair.substr(0, equals) != key) continue;
    std::string value;
    const std::string_view raw = equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '+') {
        value += ' ';
      } else if (raw[i] == '%' && i + 2 < raw.size() && hex(raw[i + 1]) >= 0 && hex(raw[i + 2]) >= 0) {
        value += static_cast<char>(hex(raw[i + 1]) * 16 + hex(raw[i + 2]));
        i += 2;
      } else {
        value += raw[i];
      }
    }
    return value;
  }
  return {};
}

void add_spool_routes(AdminServer& admin, MessageSpoolService& spool, std::function<void()> retried) {
  admin.add_route("GET", "/messages", [&spool](const AdminRequest& request) {
    const std::string state_text = query_value(request.query, "state");
    std::optional<MessageState> state;
    if (!state_text.empty()) {
      state = message_state_from(state_text);
      if (!state)
        return json_error(
            400, "unknown state '" + state_text + "' (queued, delivering, retrying, delivered, dead, quarantined)");
    }
    const std::string limit_text = query_value(request.query, "limit");
    std::size_t limit = 100;
    if (!limit_text.empty()) {
      try {
        limit = std::stoul(limit_text);
      } catch (const std::exception&) {
        return json_error(400, "limit must be a number");
      }
    }
    limit = std::clamp<std::size_t>(limit, 1, 10000);
    return on_spool(spool, [state, limit](MessageStore& store) {
      std::string body = "[";
      for (const MessageRecord& m : store.list(state, limit)) body += (body.size() > 1 ? ",\n " : "") + summary(m);
      return json_response(200, body + "]");
    });
  });
  admin.add_route("GET", "/message", [&spool](const AdminRequest& request) {
    const std::string id = query_value(request.query, "id");
    if (id.empty()) return json_error(400, "id is required: /message?id=<id>");
    return on_spool(spool, [id](MessageStore& store) {
      const auto message = store.find(id);
      if (!message) return json_error(404, "no message " + id);
      return json_response(200, details(*message, store.history(id)));
    });
  });
  admin.add_route("POST", "/message/retry", [&spool, retried](const AdminRequest& request) {
    const std::string id = query_value(request.query, "id");
    if (id.empty()) return json_error(400, "id is required: /message/retry?id=<id>");
    AdminResponse response = on_spool(spool, [id](MessageStore& store) {
      const auto message = store.find(id);
      if (!message) return json_error(404, "no message " + id);
      if (message->state == MessageState::delivered || message->state == MessageState::delivering)
        return json_error(409, "message " + id + " is " + std::string(to_string(message->state)));
      store.set_state(id, MessageState::queued, "retried by the operator");
      return json_response(200, "{\"id\": " + json_string(id) + ", \"state\": \"queued\"}");
    });
    if (response.status == 200 && retried) retried();
    return response;
  });
}

}  // namespace junction
