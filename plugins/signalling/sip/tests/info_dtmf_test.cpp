#include "info_dtmf.hpp"

#include <gtest/gtest.h>

namespace junction::sip {
namespace {

TEST(InfoDtmf, DtmfRelayGivesTheSignal) {
  const auto r = dtmf_of_info("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n");
  EXPECT_EQ(r.kind, InfoDtmf::key);
  EXPECT_EQ(r.key, '5');
  EXPECT_EQ(dtmf_of_info("Application/DTMF-Relay", "Duration=100\nsignal = #\n").key, '#');
  EXPECT_EQ(dtmf_of_info("application/dtmf-relay", "Signal=10\r\n").key, '*');
  EXPECT_EQ(dtmf_of_info("application/dtmf-relay", "Signal=11\r\n").key, '#');
  EXPECT_EQ(dtmf_of_info("application/dtmf-relay", "Signal=a\r\n").key, 'A');
}

TEST(InfoDtmf, PlainDtmfBody) {
  const auto r = dtmf_of_info("application/dtmf; charset=x", " 7\r\n");
  EXPECT_EQ(r.kind, InfoDtmf::key);
  EXPECT_EQ(r.key, '7');
}

TEST(InfoDtmf, BadSignalsAreMalformed) {
  EXPECT_EQ(dtmf_of_info("application/dtmf-relay", "Signal=E\r\n").kind, InfoDtmf::malformed);
  EXPECT_EQ(dtmf_of_info("application/dtmf-relay", "Signal=12\r\n").kind, InfoDtmf::malformed);
  EXPECT_EQ(dtmf_of_info("application/dtmf-relay", "Duration=160\r\n").kind, InfoDtmf::malformed);
  EXPECT_EQ(dtmf_of_info("application/dtmf-relay", "").kind, InfoDtmf::malformed);
  EXPECT_EQ(dtmf_of_info("application/dtmf", "55").kind, InfoDtmf::malformed);
}

TEST(InfoDtmf, TheBodyWeSendReadsBack) {
  for (char key : std::string("0123456789*#ABCD")) {
    const auto r = dtmf_of_info("application/dtmf-relay", info_dtmf_body(key));
    EXPECT_EQ(r.kind, InfoDtmf::key);
    EXPECT_EQ(r.key, key);
  }
}

TEST(InfoDtmf, OtherInfoIsNotDtmf) {
  EXPECT_EQ(dtmf_of_info("application/media_control+xml", "<media_control/>").kind, InfoDtmf::not_dtmf);
  EXPECT_EQ(dtmf_of_info("", "").kind, InfoDtmf::not_dtmf);
}

}  // namespace
}  // namespace junction::sip
