// Offers from phones, parsed with sofia's SDP parser, and the answers the media endpoint gives.
#include <gtest/gtest.h>

#include "audio_sdp.hpp"

namespace junction::media {
namespace {

const std::string kOffer =
    "v=0\r\no=alice 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
    "m=video 5002 RTP/AVP 31\r\n"
    "m=audio 49170 RTP/AVP 18 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n";

TEST(AudioSdpTest, TheAudioStreamOfAnOfferIsRead) {
  std::string error;
  const auto offer = parse_audio_offer(kOffer, error);
  ASSERT_TRUE(offer) << error;
  EXPECT_EQ(offer->address, "192.0.2.10");
  EXPECT_EQ(offer->port, 49170);
  ASSERT_EQ(offer->formats.size(), 4u);
  EXPECT_EQ(offer->formats[0].encoding, "G729");
  EXPECT_EQ(offer->formats[1].encoding, "PCMU");
  EXPECT_EQ(offer->formats[3].encoding, "telephone-event");
  EXPECT_EQ(offer->formats[3].payload_type, 101);
  EXPECT_EQ(offer->direction, "sendrecv");
}

TEST(AudioSdpTest, OurPreferenceDecidesAmongWhatIsOffered) {
  std::string error;
  const auto offer = parse_audio_offer(kOffer, error);
  ASSERT_TRUE(offer);
  EXPECT_EQ(choose_format(*offer, {"PCMA", "PCMU"})->payload_type, 8);
  EXPECT_EQ(choose_format(*offer, {"pcmu"})->payload_type, 0) << "encoding names are case-insensitive";
  EXPECT_FALSE(choose_format(*offer, {"opus"}));
}

TEST(AudioSdpTest, TheAnswerMirrorsTheDirectionAndKeepsTelephoneEvents) {
  std::string error;
  auto offer = parse_audio_offer(kOffer, error);
  ASSERT_TRUE(offer);
  offer->direction = "sendonly";  // the phone puts us on hold
  const std::string answer =
      audio_sdp({"127.0.0.1", 20000, 42, 42}, offer_formats(*offer, {"PCMU"}), answer_direction(offer->direction));
  EXPECT_EQ(answer,
            "v=0\r\no=junction 42 42 IN IP4 127.0.0.1\r\ns=junction\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            "m=audio 20000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
            "a=fmtp:101 0-16\r\na=recvonly\r\na=ptime:20\r\n");
  const auto parsed = parse_audio_offer(answer, error);
  ASSERT_TRUE(parsed) << "our answer parses: " << error;
  EXPECT_EQ(parsed->port, 20000);
}

TEST(AudioSdpTest, TelephoneEventsAreAnsweredAtTheCodecsRate) {
  // As Linphone offers: events at 48 kHz for Opus first, then at 8 kHz.
  std::string error;
  const auto offer = parse_audio_offer(
      "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\n"
      "m=audio 7078 RTP/AVP 96 0 101 100\r\na=rtpmap:96 opus/48000/2\r\na=rtpmap:101 telephone-event/48000\r\n"
      "a=rtpmap:100 telephone-event/8000\r\n",
      error);
  ASSERT_TRUE(offer) << error;
  const std::string answer = audio_sdp({"127.0.0.1", 20000, 1, 1}, offer_formats(*offer, {"PCMU"}), "sendrecv");
  EXPECT_NE(answer.find("m=audio 20000 RTP/AVP 0 100\r\n"), std::string::npos) << answer;
  EXPECT_EQ(answer.find("telephone-event/48000"), std::string::npos) << answer;
}

TEST(AudioSdpTest, OffersWeCannotUseSayWhy) {
  std::string error;
  EXPECT_FALSE(parse_audio_offer("garbage", error));
  EXPECT_NE(error.find("unparsable SDP"), std::string::npos) << error;
  EXPECT_FALSE(
      parse_audio_offer("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\n"
                        "m=video 5000 RTP/AVP 31\r\n",
                        error));
  EXPECT_EQ(error, "no audio stream");
  EXPECT_FALSE(
      parse_audio_offer("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\n"
                        "m=audio 0 RTP/AVP 0\r\n",
                        error));
  EXPECT_EQ(error, "the audio stream is declined (port 0)");
  EXPECT_FALSE(parse_audio_offer("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n", error));
  EXPECT_EQ(error, "unparsable SDP: No c= on either session level or all mediums") << "sofia checks it";
}

}  // namespace
}  // namespace junction::media
