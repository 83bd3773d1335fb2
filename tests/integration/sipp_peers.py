"""SIPp (Debian sip-tester) as the phones of integration tests: registrations, calling and
called phones, all on 127.0.0.1 with ports the tests choose. Scenarios live in tests/sip/.

SIPp reads status codes when it loads a scenario, before it substitutes keys: scenarios that
expect or send a status the test chooses write [expect] there and get a specialised copy
(scenario_copy)."""

import os
import socket
import subprocess
import time

import junction_harness as h

SIPP = "/usr/bin/sipp"
SCENARIOS = os.path.join(h.source_dir(), "tests", "sip")
# Bounds every SIPp run: no message for this long ends it (its -timeout alone does not while
# a call is open).
RECV_TIMEOUT_MS = 10000


def available():
    return os.path.exists(SIPP)


def scenario_copy(sandbox, scenario, expect):
    """tests/sip/<scenario> with [expect] replaced, written into the sandbox; returns its path."""
    with open(os.path.join(SCENARIOS, scenario), encoding="ascii") as f:
        text = f.read().replace("[expect]", str(expect))
    path = os.path.join(sandbox.dir, f"{expect}_{scenario}")
    with open(path, "w", encoding="ascii") as f:
        f.write(text)
    return path


def scenario_with(sandbox, scenario, replacements):
    """tests/sip/<scenario> with each text in `replacements` replaced (for what SIPp's keys cannot
    reach: regular expressions, whole SDP lines), written into the sandbox; returns its path."""
    with open(os.path.join(SCENARIOS, scenario), encoding="ascii") as f:
        text = f.read()
    for old, new in replacements.items():
        if old not in text:
            raise ValueError(f"{scenario} has no {old!r}")
        text = text.replace(old, str(new))
    path = os.path.join(sandbox.dir, f"with_{len(os.listdir(sandbox.dir))}_{scenario}")
    with open(path, "w", encoding="ascii") as f:
        f.write(text)
    return path


def scenario_path(sandbox, scenario, expect=None):
    return scenario_copy(sandbox, scenario, expect) if expect is not None else os.path.join(SCENARIOS, scenario)


def sipp_args(sip_port, scenario, local_port, keys=None, service=None, calls=1, transport="udp"):
    args = [SIPP, f"127.0.0.1:{sip_port}", "-sf", scenario, "-m", str(calls), "-i", h.HOST,
            "-t", "u1" if transport == "udp" else "t1",
            # SIPp's own RTP sockets (pcap playback): never its default 6000; it binds the port
            # and those above it (audio and video, RTP and RTCP).
            "-mp", str(h.free_udp_ports(4)),
            "-p", str(local_port), "-cp", str(h.free_port()), "-recv_timeout", str(RECV_TIMEOUT_MS),
            "-timeout", "30", "-nostdin"]
    for key, value in (keys or {}).items():
        args += ["-key", key, str(value)]
    if service is not None:
        args += ["-s", str(service)]
    return args


def run(sandbox, sip_port, scenario, keys=None, service=None, expect=None, timeout=40, port=None, transport="udp"):
    """Runs a client scenario to its end (from `port`, default a free one); returns (ok, stderr)."""
    args = sipp_args(sip_port, scenario_path(sandbox, scenario, expect), port or h.free_port(), keys, service,
                     transport=transport)
    result = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout,
                            cwd=sandbox.dir)
    return result.returncode == 0, result.stderr.decode(errors="replace")


def register(sandbox, sip_port, user, password, contact_port=None, expect=200, expires=600,
             scenario="register_auth.xml", transport="udp"):
    """REGISTERs `user` with digest auth; the contact is this SIPp's own port unless
    `contact_port` names another phone's. Returns True when the final answer was `expect`."""
    port = h.free_port()
    keys = {"user": user, "auth_pass": password, "expires": expires,
            "contact_port": contact_port if contact_port is not None else port}
    args = sipp_args(sip_port, scenario_copy(sandbox, scenario, expect), port, keys, transport=transport)
    result = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=30, cwd=sandbox.dir)
    return result.returncode == 0


class Phone:
    """A SIPp UAS playing a called phone (or a provider) on its own port, running in the
    background until it has handled one call (or is stopped, by PID, at cleanup)."""

    def __init__(self, owner, sandbox, sip_port, scenario, expect=None, keys=None, port=None, transport="udp"):
        self.port = port if port is not None else h.free_port()
        self.transport = transport
        args = sipp_args(sip_port, scenario_path(sandbox, scenario, expect), self.port, keys, transport=transport)
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=sandbox.dir)
        h.add_cleanup(owner, self.stop)
        self._wait_listening()

    def _wait_listening(self, timeout=10.0):
        """Returns once SIPp has bound its port: a request sent earlier would be lost."""
        deadline = time.monotonic() + timeout
        kind = socket.SOCK_DGRAM if self.transport == "udp" else socket.SOCK_STREAM
        while time.monotonic() < deadline:
            with socket.socket(socket.AF_INET, kind) as probe:
                try:
                    probe.bind((h.HOST, self.port))
                except OSError:
                    return
            if self.proc.poll() is not None:
                raise AssertionError(f"SIPp exited at once: {self.proc.stderr.read().decode(errors='replace')}")
            time.sleep(0.02)  # polling a port: there is no event to wait for
        raise AssertionError(f"SIPp did not bind 127.0.0.1:{self.port} within {timeout} s")

    def wait(self, timeout=40):
        """Waits for the scenario to end; returns (ok, stderr text)."""
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
        err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
        return self.proc.returncode == 0, err

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stderr and not self.proc.stderr.closed:
            self.proc.stderr.close()
