"""What the voicemail and mail tests share: a sandbox whose flow records the caller and hands
the recording to the spool with save_message, and a SIPp caller that leaves such a message."""


import junction_harness as h
import sipp_peers
from rtp_tools import RtpListener

SIP_TEST_SETTINGS = """      realm: test.local
      digest_algorithms: [md5]   # SIPp 3.6 answers MD5 challenges only
"""
ALICE = {"user": "1001", "auth_pass": "change-me-1001"}


def voicemail_config(sandbox):
    """The shipped config for SIPp callers whose A-law is recorded as it came."""
    first = h.free_port() & ~1
    text = h.replace_once(sandbox.config_text, "      realm: junction\n", SIP_TEST_SETTINGS)
    return h.replace_once(text, "config: { address: 127.0.0.1, ports: { first: 20000, last: 29999 } }",
                          f"config: {{ codecs: [PCMA, PCMU], address: 127.0.0.1, "
                          f"ports: {{ first: {first}, last: {first + 40} }} }}")


def write_voicemail_flow(sandbox, recording, to):
    """A flow that records two seconds of the caller and saves them for `to`."""
    sandbox.write_script("flows/default.lua", f'''
function on_call(call)
  local ms = record("{recording}", {{ max_seconds = 2 }})
  local id, why = save_message{{ to = "{to}", file = "{recording}", headers = {{ Duration = tostring(ms) }} }}
  log("saved " .. tostring(id) .. " " .. tostring(why))
  hangup()
end
''')


def leave_a_message(test, sandbox, daemon, start=0):
    """A SIPp caller talks to the flow; returns the message id the flow logged."""
    rtp = RtpListener(test)
    ok, err = sipp_peers.run(sandbox, sandbox.sip_port, "call_talks.xml",
                             keys={**ALICE, "rtp_port": rtp.port}, service="1002")
    test.assertTrue(ok, f"{err}\n{daemon.log()}")
    _, line = daemon.wait_for(r"saved \S+ nil", start=start)
    return line.split("saved ")[1].split(" ")[0]


def call_shipped_voicemail(test, sandbox, daemon, to, timeout=90):
    """A caller (1001) calls `to`, who has no phone registered: the shipped flow greets, the caller
    talks (SIPp's A-law pcap after the greeting) and falls silent, the recording ends on the
    silence, the message is saved and the flow hangs up. Returns the RtpListener that heard it."""
    rtp = RtpListener(test)
    caller = sipp_peers.scenario_with(sandbox, "call_talks.xml", {
        '<nop><action><exec play_pcap_audio="/usr/share/sip-tester/g711a.pcap"/></action></nop>':
            '<pause milliseconds="12000"/>\n  '
            '<nop><action><exec play_pcap_audio="/usr/share/sip-tester/g711a.pcap"/></action></nop>',
        '<recv request="BYE" timeout="15000"/>': '<recv request="BYE" timeout="60000"/>'})
    ok, err = sipp_peers.run(sandbox, sandbox.sip_port, caller, keys={**ALICE, "rtp_port": rtp.port},
                             service=to, timeout=timeout)
    test.assertTrue(ok, f"{err}\n{daemon.log()}")
    return rtp


def recording_bytes(recording):
    with open(recording, "rb") as f:
        return f.read()


