#include "mwi_summary.hpp"

#include <algorithm>
#include <cctype>

namespace junction::sip {

namespace {

bool same_text(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string message_summary(std::string_view account, const MailboxCounts& counts) {
  const int fresh = std::max(counts.new_messages, 0);
  const int saved = std::max(counts.saved_messages, 0);
  std::string body = "Messages-Waiting: ";
  body += fresh > 0 ? "yes" : "no";
  body += "\r\nMessage-Account: ";
  body += account;
  body += "\r\nVoice-Message: " + std::to_string(fresh) + "/" + std::to_string(saved) + "\r\n";
  return body;
}

ExpiryDecision decide_expiry(std::optional<long long> requested, const MwiPolicy& policy) {
  const long long min = policy.min_expires.count();
  const long long max = policy.max_expires.count();
  if (!requested) return {ExpiryDecision::Kind::accept, std::clamp<long long>(3600, min, max)};
  if (*requested == 0) return {ExpiryDecision::Kind::unsubscribe, 0};
  if (*requested < min) return {ExpiryDecision::Kind::too_brief, min};
  return {ExpiryDecision::Kind::accept, std::min(*requested, max)};
}

bool is_message_summary(std::string_view event_type) { return same_text(trimmed(event_type), kMessageSummaryEvent); }

bool accepts_message_summary(const std::vector<std::string>& accept) {
  if (accept.empty()) return true;
  for (const std::string& item : accept) {
    std::string_view type = trimmed(std::string_view(item).substr(0, item.find(';')));
    if (type == "*/*" || same_text(type, "application/*") || same_text(type, kMessageSummaryType)) return true;
  }
  return false;
}

std::string subscription_active(long long seconds_left) {
  return "active;expires=" + std::to_string(std::max<long long>(seconds_left, 0));
}

std::string subscription_terminated(std::string_view reason) {
  return reason.empty() ? std::string("terminated") : "terminated;reason=" + std::string(reason);
}

long long seconds_until(std::chrono::steady_clock::time_point expires, std::chrono::steady_clock::time_point now) {
  if (expires <= now) return 0;
  const auto left = std::chrono::ceil<std::chrono::seconds>(expires - now);
  return left.count();
}

}  // namespace junction::sip
