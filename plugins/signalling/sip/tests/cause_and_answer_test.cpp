// Pure SIP call parts: Q.850 causes and SIP statuses both ways, and the answer that declines
// every stream of an offer.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "cause_mapping.hpp"
#include "junction/cause.hpp"
#include "session_answer.hpp"

namespace junction::sip {
namespace {

// ---- cause mapping ------------------------------------------------------------------------

TEST(CauseMappingTest, CausesBecomeTheResponsesOfRfc3398) {
  const std::vector<std::pair<int, int>> expected = {
      {cause::unallocated_number, 404},
      {cause::no_route, 404},
      {cause::user_busy, 486},
      {cause::no_user_response, 408},
      {cause::no_answer, 480},
      {cause::subscriber_absent, 480},
      {cause::normal_unspecified, 480},
      {cause::call_rejected, 403},
      {cause::number_changed, 410},
      {cause::destination_out_of_order, 502},
      {cause::network_out_of_order, 502},
      {cause::normal_clearing, 480},
      {cause::invalid_number_format, 484},
      {cause::bearer_capability_not_available, 488},
      {cause::bearer_capability_not_implemented, 488},
      {cause::service_not_implemented, 501},
      {cause::recovery_on_timer_expiry, 504},
      {cause::originator_cancel, 487},
      {cause::protocol_error, 500},
      {cause::interworking, 500},
  };
  for (const auto& [c, code] : expected) EXPECT_EQ(status_for_cause(c).code, code) << cause::name(c);
  EXPECT_STREQ(status_for_cause(cause::user_busy).phrase, "Busy Here");
  EXPECT_STREQ(status_for_cause(cause::unallocated_number).phrase, "Not Found");
  EXPECT_STREQ(status_for_cause(cause::no_answer).phrase, "Temporarily Unavailable");
  EXPECT_STREQ(status_for_cause(cause::originator_cancel).phrase, "Request Terminated");
}

TEST(CauseMappingTest, CongestionAndUnknownCausesAre503) {
  for (int c : {cause::temporary_failure, cause::switching_equipment_congestion, cause::service_unavailable,
                cause::no_circuit_available, 0, -1, 99, 1000}) {
    const SipStatus status = status_for_cause(c);
    EXPECT_EQ(status.code, 503) << c;
    EXPECT_STREQ(status.phrase, "Service Unavailable") << c;
  }
}

TEST(CauseMappingTest, EveryCauseRefusesWithAFinalErrorResponse) {
  std::vector<int> causes = {cause::originator_cancel};
  for (int c = 0; c < 128; ++c) causes.push_back(c);
  for (int c : causes) {
    const SipStatus status = status_for_cause(c);
    EXPECT_GE(status.code, 400) << "neither 2xx nor 3xx for cause " << c;
    EXPECT_LT(status.code, 700) << c;
    ASSERT_NE(status.phrase, nullptr) << c;
    EXPECT_NE(std::string(status.phrase), "") << c;
  }
}

TEST(CauseMappingTest, StatusesBecomeTheCausesOfRfc3398) {
  const std::vector<std::pair<int, int>> expected = {
      {404, cause::unallocated_number},
      {485, cause::unallocated_number},
      {604, cause::unallocated_number},
      {486, cause::user_busy},
      {600, cause::user_busy},
      {487, cause::originator_cancel},
      {480, cause::no_user_response},
      {401, cause::call_rejected},
      {403, cause::call_rejected},
      {407, cause::call_rejected},
      {603, cause::call_rejected},
      {408, cause::recovery_on_timer_expiry},
      {504, cause::recovery_on_timer_expiry},
      {410, cause::number_changed},
      {482, cause::exchange_routing_error},
      {483, cause::exchange_routing_error},
      {484, cause::invalid_number_format},
      {400, cause::temporary_failure},
      {481, cause::temporary_failure},
      {500, cause::temporary_failure},
      {503, cause::temporary_failure},
      {405, cause::service_unavailable},
      {406, cause::service_not_implemented},
      {415, cause::service_not_implemented},
      {488, cause::bearer_capability_not_available},
      {501, cause::service_not_implemented},
      {502, cause::network_out_of_order},
      {606, cause::bearer_capability_not_available},
  };
  for (const auto& [status, c] : expected) EXPECT_EQ(cause_for_status(status), c) << status;
}

TEST(CauseMappingTest, RedirectsMeanNoRouteAndOtherStatusesInterworking) {
  for (int status : {300, 301, 302, 305, 380, 399}) EXPECT_EQ(cause_for_status(status), cause::no_route) << status;
  for (int status : {420, 422, 499, 505, 580, 699}) EXPECT_EQ(cause_for_status(status), cause::interworking) << status;
}

TEST(CauseMappingTest, CausesThatHaveTheirOwnResponseSurviveTheRoundTrip) {
  for (int c : {cause::unallocated_number, cause::user_busy, cause::call_rejected, cause::number_changed,
                cause::network_out_of_order, cause::invalid_number_format, cause::recovery_on_timer_expiry,
                cause::service_not_implemented, cause::originator_cancel})
    EXPECT_EQ(cause_for_status(status_for_cause(c).code), c) << cause::name(c);
}

// ---- decline_all_media ----------------------------------------------------------------------

constexpr const char* kOffer =
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 198.51.100.7\r\n"
    "s=-\r\n"
    "c=IN IP4 198.51.100.7\r\n"
    "b=AS:128\r\n"
    "t=0 0\r\n"
    "a=sendrecv\r\n"
    "m=audio 49170 RTP/AVP 0 8 101\r\n"
    "c=IN IP4 198.51.100.8\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "m=video 51372/2 RTP/AVP 31 32\r\n"
    "a=rtpmap:31 H261/90000\r\n";

constexpr const char* kDeclined =
    "v=0\r\n"
    "o=junction 0 0 IN IP4 0.0.0.0\r\n"
    "s=-\r\n"
    "c=IN IP4 198.51.100.7\r\n"
    "t=0 0\r\n"
    "m=audio 0 RTP/AVP 0\r\n"
    "m=video 0 RTP/AVP 31\r\n";

std::string with_lf_only(std::string text) {
  text.erase(std::remove(text.begin(), text.end(), '\r'), text.end());
  return text;
}

TEST(DeclineAllMediaTest, EveryStreamIsDeclinedWithItsFirstFormat) { EXPECT_EQ(decline_all_media(kOffer), kDeclined); }

TEST(DeclineAllMediaTest, OffersWithBareLineFeedsGetTheSameAnswer) {
  EXPECT_EQ(decline_all_media(with_lf_only(kOffer)), kDeclined);
}

TEST(DeclineAllMediaTest, OffersWithoutMediaGetNoAnswer) {
  EXPECT_EQ(decline_all_media(""), "");
  EXPECT_EQ(decline_all_media("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"), "");
  EXPECT_EQ(decline_all_media("not sdp at all"), "");
}

TEST(DeclineAllMediaTest, MalformedMediaLinesAreSkipped) {
  const std::string offer = "v=0\r\ns=-\r\nm=audio\r\nm=audio 4000 RTP/AVP 18 0\r\nm\r\nm=\r\n";
  EXPECT_EQ(decline_all_media(offer),
            "v=0\r\no=junction 0 0 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 0 RTP/AVP 18\r\n");
}

TEST(DeclineAllMediaTest, AConnectionLineOnlyAtMediaLevelStillGivesOne) {
  EXPECT_EQ(decline_all_media(
                "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP\r\nc=IN IP4 1.2.3.4\r\n"),
            "v=0\r\no=junction 0 0 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n");
  EXPECT_EQ(decline_all_media("v=0\r\nm=audio\r\n"), "") << "no usable media line: no answer";
}

}  // namespace
}  // namespace junction::sip
