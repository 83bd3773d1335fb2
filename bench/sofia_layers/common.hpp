// Shared bits of the nta / nua measurement spike (see docs/sip-layer-choice.md):
// command line, stop flag, the REGISTER reply Contact and the main loop.
#pragma once

#include <sofia-sip/msg_header.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su.h>
#include <sofia-sip/su_alloc.h>
#include <sofia-sip/su_wait.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace spike {

inline volatile std::sig_atomic_t g_stop = 0;

struct Options {
  std::string host = "127.0.0.1";
  int port = 5070;
};

inline Options parse_args(int argc, char** argv, const char* prog) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--port" && i + 1 < argc) {
      o.port = std::atoi(argv[++i]);
    } else if (a == "--host" && i + 1 < argc) {
      o.host = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--host 127.0.0.1] [--port N]\n", prog);
      std::exit(2);
    }
  }
  if (o.port <= 0 || o.port > 65535) {
    std::fprintf(stderr, "%s: bad port\n", prog);
    std::exit(2);
  }
  return o;
}

inline void install_signals() {
  struct sigaction sa {};
  sa.sa_handler = [](int) { g_stop = 1; };
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: epoll_wait returns EINTR and the loop sees g_stop
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

// UDP socket buffers like the Kamailio baseline (maxbuffer=4 MB -> the kernel doubles it).
constexpr unsigned kUdpBuf = 4u * 1024 * 1024;

// Contacts for a 200 OK to REGISTER: every Contact of the request with ;expires=<granted>
// (Contact expires param, else the Expires header, else 3600). Expires 0 and "*" are
// removed (an un-register answers with the remaining bindings, here none).
// Allocated from `home`; nullptr when there is nothing to echo.
inline sip_contact_t* register_reply_contacts(su_home_t* home, sip_t const* sip) {
  if (!sip->sip_contact) return nullptr;
  auto* list = sip_contact_dup(home, sip->sip_contact);
  if (!list) return nullptr;
  unsigned default_exp = sip->sip_expires ? sip->sip_expires->ex_delta : 3600;
  sip_contact_t** pp = &list;
  while (*pp) {
    sip_contact_t* m = *pp;
    unsigned exp = m->m_expires ? static_cast<unsigned>(std::strtoul(m->m_expires, nullptr, 10)) : default_exp;
    if (!m->m_url->url_host || exp == 0) {  // "*" (no host) or un-register of this contact
      *pp = m->m_next;
      continue;
    }
    char param[32];
    std::snprintf(param, sizeof param, "expires=%u", exp);
    msg_header_replace_param(home, m->m_common, param);
    pp = &m->m_next;
  }
  return list;
}

// Run the root on this thread until SIGINT/SIGTERM.
inline void run_until_signal(su_root_t* root) {
  while (!g_stop) su_root_step(root, 200);
}

}  // namespace spike
