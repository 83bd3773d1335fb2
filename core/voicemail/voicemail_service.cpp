#include "core/voicemail/voicemail_service.hpp"

namespace junction {

const MailboxStore::Recovery& VoicemailService::open(MailboxStore::Options options, PinPolicy policy) {
  store_ = std::make_shared<MailboxStore>(std::move(options));
  policy_ = policy;
  for (auto& [box, counts] : store_->all_counts()) counts_.emplace(box, counts);
  return store_->recovery();
}

void VoicemailService::update(const std::string& box, const MailboxCounts& counts) {
  auto [it, added] = counts_.try_emplace(box, counts);
  if (!added && it->second == counts) return;
  if (!added) it->second = counts;
  if (added && counts == MailboxCounts{}) return;
  registry_.mailbox_changed(box, counts);
}

}  // namespace junction
