#include "ogg_opus.hpp"

#include <opus/opusenc.h>
#include <sndfile.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

namespace junction::mail {

namespace {

// The WAV as a read-only file for sf_open_virtual.
struct MemoryFile {
  std::string_view bytes;
  sf_count_t at = 0;
};

sf_count_t memory_length(void* user) { return static_cast<sf_count_t>(static_cast<MemoryFile*>(user)->bytes.size()); }

sf_count_t memory_seek(sf_count_t offset, int whence, void* user) {
  auto& file = *static_cast<MemoryFile*>(user);
  const auto size = static_cast<sf_count_t>(file.bytes.size());
  sf_count_t base = 0;
  if (whence == SEEK_CUR) base = file.at;
  if (whence == SEEK_END) base = size;
  // Past the end is allowed, as in a file (reads there find nothing); before the start is not.
  if (offset < -base || offset > std::numeric_limits<sf_count_t>::max() - base) return -1;
  file.at = base + offset;
  return file.at;
}

sf_count_t memory_read(void* ptr, sf_count_t count, void* user) {
  auto& file = *static_cast<MemoryFile*>(user);
  const sf_count_t left = std::max<sf_count_t>(0, static_cast<sf_count_t>(file.bytes.size()) - file.at);
  const sf_count_t n = std::min(std::max<sf_count_t>(count, 0), left);
  if (n > 0) std::memcpy(ptr, file.bytes.data() + file.at, static_cast<std::size_t>(n));
  file.at += n;
  return n;
}

sf_count_t memory_write(const void*, sf_count_t, void*) { return 0; }

sf_count_t memory_tell(void* user) { return static_cast<MemoryFile*>(user)->at; }

int append_page(void* user, const unsigned char* bytes, opus_int32 length) {
  try {
    static_cast<std::string*>(user)->append(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(length));
    return 0;
  } catch (...) {  // out of memory: libopusenc reports the failure
    return 1;
  }
}

int close_nothing(void*) { return 0; }

struct SndfileClose {
  void operator()(SNDFILE* file) const { sf_close(file); }
};
struct CommentsDestroy {
  void operator()(OggOpusComments* comments) const { ope_comments_destroy(comments); }
};
struct EncoderDestroy {
  void operator()(OggOpusEnc* encoder) const { ope_encoder_destroy(encoder); }
};

constexpr sf_count_t kFramesPerWrite = 960;

// The Ogg stream's serial number from the WAV (FNV-1a) rather than at random: the same recording
// always becomes the same bytes, so a mail delivered again is the mail delivered before.
opus_int32 serial_number(std::string_view bytes) {
  std::uint32_t hash = 2166136261u;
  for (char c : bytes) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  return static_cast<opus_int32>(hash & 0x7fffffffu);
}

// Nothing above half the input rate was recorded: the encoder need not look for it (an 8 kHz
// recording coded as narrowband is a fifth smaller and quicker to encode than with the encoder's
// own guess).
opus_int32 bandwidth_for(int rate) {
  if (rate <= 8000) return OPUS_BANDWIDTH_NARROWBAND;
  if (rate <= 12000) return OPUS_BANDWIDTH_MEDIUMBAND;
  if (rate <= 16000) return OPUS_BANDWIDTH_WIDEBAND;
  if (rate <= 24000) return OPUS_BANDWIDTH_SUPERWIDEBAND;
  return OPUS_BANDWIDTH_FULLBAND;
}

}  // namespace

std::optional<std::string> wav_to_ogg_opus(std::string_view wav, int bitrate) try {
  MemoryFile file{wav};
  SF_VIRTUAL_IO io{memory_length, memory_seek, memory_read, memory_write, memory_tell};
  SF_INFO info{};
  const std::unique_ptr<SNDFILE, SndfileClose> in(sf_open_virtual(&io, SFM_READ, &info, &file));
  if (!in) return std::nullopt;
  const int container = info.format & SF_FORMAT_TYPEMASK;
  if ((container != SF_FORMAT_WAV && container != SF_FORMAT_WAVEX) ||
      (info.format & SF_FORMAT_SUBMASK) != SF_FORMAT_PCM_16 || info.channels < 1 || info.channels > 2 ||
      info.samplerate < 8000 || info.samplerate > 192000 || info.frames <= 0)
    return std::nullopt;

  std::string out;
  const std::unique_ptr<OggOpusComments, CommentsDestroy> comments(ope_comments_create());
  if (!comments) return std::nullopt;
  const OpusEncCallbacks callbacks{append_page, close_nothing};
  int error = OPE_OK;
  const std::unique_ptr<OggOpusEnc, EncoderDestroy> encoder(
      ope_encoder_create_callbacks(&callbacks, &out, comments.get(), info.samplerate, info.channels, 0, &error));
  if (!encoder || error != OPE_OK) return std::nullopt;
  const opus_int32 rate = std::clamp(bitrate, kMinOpusBitrate, kMaxOpusBitrate);
  if (ope_encoder_ctl(encoder.get(), OPUS_SET_APPLICATION(OPUS_APPLICATION_VOIP)) != OPE_OK ||
      ope_encoder_ctl(encoder.get(), OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE)) != OPE_OK ||
      ope_encoder_ctl(encoder.get(), OPUS_SET_BITRATE(rate)) != OPE_OK ||
      ope_encoder_ctl(encoder.get(), OPUS_SET_MAX_BANDWIDTH(bandwidth_for(info.samplerate))) != OPE_OK ||
      ope_encoder_ctl(encoder.get(), OPE_SET_COMMENT_PADDING(0)) != OPE_OK ||  // nobody edits a mail's tags
      ope_encoder_ctl(encoder.get(), OPE_SET_SERIALNO(serial_number(wav))) != OPE_OK)
    return std::nullopt;

  std::vector<short> pcm(static_cast<std::size_t>(kFramesPerWrite * info.channels));
  sf_count_t frames = 0;
  while ((frames = sf_readf_short(in.get(), pcm.data(), kFramesPerWrite)) > 0)
    if (ope_encoder_write(encoder.get(), pcm.data(), static_cast<int>(frames)) != OPE_OK) return std::nullopt;
  if (ope_encoder_drain(encoder.get()) != OPE_OK) return std::nullopt;
  return out;
} catch (...) {  // out of memory: the WAV goes as it is
  return std::nullopt;
}

}  // namespace junction::mail
