#include "core/voicemail/voicemail_service.hpp"

namespace junction {

const MailboxStore::Recovery& VoicemailService::open(MailboxStore::Options options, PinPolicy policy) {
  store_ = std::make_shared<MailboxStore>(std::move(options));
  policy_ = policy;
  for (auto& [box, counts] : store_->all_counts()) counts_.emplace(box, Known{counts, 0});
  return store_->recovery();
}

void VoicemailService::update(const std::string& box, const MailboxStore::CountsRead& read) {
  auto [it, added] = counts_.try_emplace(box, Known{read.counts, read.sequence});
  if (!added) {
    if (read.sequence < it->second.sequence) return;  // an older read, answered late
    it->second.sequence = read.sequence;
    if (it->second.counts == read.counts) return;
    it->second.counts = read.counts;
  } else if (read.counts == MailboxCounts{}) {
    return;
  }
  registry_.mailbox_changed(box, read.counts);
}

}  // namespace junction
