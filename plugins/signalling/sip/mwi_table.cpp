#include "mwi_table.hpp"

#include <algorithm>
#include <tuple>

namespace junction::sip {

MwiTable::MwiTable(std::size_t max_per_user, std::size_t max_total)
    : max_per_user_(std::max<std::size_t>(max_per_user, 1)), max_total_(std::max<std::size_t>(max_total, 1)) {}

MwiTable::Admission MwiTable::admit(const std::string& box) const {
  Admission admission;
  const auto held = by_box_.find(box);
  const std::size_t count = held == by_box_.end() ? 0 : held->second.size();
  if (count >= max_per_user_) {
    // Room is made in the box's own places: ending ones first, then the least recently refreshed.
    std::vector<std::tuple<bool, Clock::time_point, Id>> order;
    for (Id id : held->second) {
      const Entry& entry = entries_.at(id);
      order.emplace_back(entry.active, entry.refreshed, id);
    }
    std::sort(order.begin(), order.end());
    for (std::size_t i = 0; i < count - max_per_user_ + 1; ++i) admission.evicted.push_back(std::get<2>(order[i]));
  }
  admission.admitted = entries_.size() - admission.evicted.size() < max_total_;
  if (!admission.admitted) admission.evicted.clear();
  return admission;
}

MwiTable::Id MwiTable::add(const std::string& box, Clock::time_point expires, Clock::time_point now) {
  const Id id = next_id_++;
  entries_.emplace(id, Entry{box, expires, now, true});
  by_box_[box].insert(id);
  expiry_.emplace(expires, id);
  return id;
}

bool MwiTable::refresh(Id id, Clock::time_point expires, Clock::time_point now) {
  auto it = entries_.find(id);
  if (it == entries_.end() || !it->second.active) return false;
  expiry_.erase({it->second.expires, id});
  it->second.expires = expires;
  it->second.refreshed = now;
  expiry_.emplace(expires, id);
  return true;
}

void MwiTable::end(Id id) {
  auto it = entries_.find(id);
  if (it == entries_.end() || !it->second.active) return;
  expiry_.erase({it->second.expires, id});
  it->second.active = false;
}

void MwiTable::remove(Id id) {
  auto it = entries_.find(id);
  if (it == entries_.end()) return;
  if (it->second.active) expiry_.erase({it->second.expires, id});
  auto box = by_box_.find(it->second.box);
  if (box != by_box_.end()) {
    box->second.erase(id);
    if (box->second.empty()) by_box_.erase(box);
  }
  entries_.erase(it);
}

bool MwiTable::active(Id id) const {
  auto it = entries_.find(id);
  return it != entries_.end() && it->second.active;
}

std::optional<MwiTable::Clock::time_point> MwiTable::expires(Id id) const {
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  return it->second.expires;
}

std::vector<MwiTable::Id> MwiTable::of_box(const std::string& box) const {
  std::vector<Id> ids;
  auto held = by_box_.find(box);
  if (held == by_box_.end()) return ids;
  for (Id id : held->second)
    if (entries_.at(id).active) ids.push_back(id);
  return ids;
}

std::vector<MwiTable::Id> MwiTable::expired(Clock::time_point now) const {
  std::vector<Id> ids;
  for (const auto& [when, id] : expiry_) {
    if (when > now) break;
    ids.push_back(id);
  }
  return ids;
}

std::optional<MwiTable::Clock::time_point> MwiTable::next_expiry() const {
  if (expiry_.empty()) return std::nullopt;
  return expiry_.begin()->first;
}

std::size_t MwiTable::count(const std::string& box) const {
  auto held = by_box_.find(box);
  return held == by_box_.end() ? 0 : held->second.size();
}

}  // namespace junction::sip
