"""Helpers for integration tests that run the real junctiond.

Paths come from the environment (CTest sets them, see CMakeLists.txt):

  JUNCTIOND             the junctiond binary under test
  JUNCTION_SOURCE_DIR   the source tree (config/junction.yaml, scripts/, sdk/examples/)
  JUNCTION_BUILD_DIR    the build tree (for `cmake --install`)
  JUNCTION_VERSION      the project version junctiond reports
  JUNCTION_CMAKE        cmake to use (default: cmake on PATH)
  JUNCTION_CXX_COMPILER the compiler junctiond was built with (for out-of-tree plugins)

Everything listens on 127.0.0.1 on ports the kernel picked, lives in a temporary directory and
is cleaned up by the test that created it, so suites can run in parallel.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

HOST = "127.0.0.1"
# Generous: two shared cores, maybe busy compiling.
START_TIMEOUT = 20.0
EXIT_TIMEOUT = 10.0


def env_path(name):
    value = os.environ.get(name)
    if not value:
        raise AssertionError(f"{name} is not set; run the tests through CTest (ctest -R integration) or set "
                             "JUNCTIOND, JUNCTION_SOURCE_DIR and JUNCTION_BUILD_DIR by hand")
    return os.path.abspath(value)


def junctiond():
    path = env_path("JUNCTIOND")
    if not os.access(path, os.X_OK):
        raise AssertionError(f"JUNCTIOND={path} is not an executable file; build it first")
    return path


def source_dir():
    return env_path("JUNCTION_SOURCE_DIR")


def build_dir():
    return env_path("JUNCTION_BUILD_DIR")


def shipped_config_path():
    return os.path.join(source_dir(), "config", "junction.yaml")


def shipped_config_text():
    with open(shipped_config_path(), encoding="utf-8") as f:
        return f.read()


# ---------------------------------------------------------------------------------------------
# Ports


def free_port():
    """A port on 127.0.0.1 that is free for both TCP and UDP right now (SIP listens on both,
    SIPp on UDP). Chosen by the kernel, then checked for UDP; a few tries at most."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind((HOST, 0))
            port = s.getsockname()[1]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            try:
                u.bind((HOST, port))
            except OSError:
                continue
        return port
    raise RuntimeError("no port free for both TCP and UDP on " + HOST)


def free_udp_ports(count):
    """The first of `count` consecutive UDP ports on 127.0.0.1, even, all free right now (SIPp's
    media port: it binds that port and the ones above it for RTP and RTCP, audio and video)."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind((HOST, 0))
            first = probe.getsockname()[1] & ~1
        sockets = []
        try:
            for port in range(first, first + count):
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                sockets.append(s)
                s.bind((HOST, port))
            return first
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError(f"no {count} consecutive UDP ports free on " + HOST)


def port_is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((HOST, port))
        except OSError:
            return False
        return True


# ---------------------------------------------------------------------------------------------
# Config text editing (the stdlib has no YAML writer: edit the shipped file's text, and fail
# loudly when it no longer looks the way these edits expect).


def replace_once(text, old, new):
    count = text.count(old)
    if count != 1:
        raise AssertionError(f"expected exactly one {old!r} in the config text, found {count}")
    return text.replace(old, new)


def replace_section(text, key, block):
    """Replaces the top-level section `key:` (up to the next line starting in column 1) by `block`."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if re.match(rf"{re.escape(key)}:(\s|$)", line)]
    if len(starts) != 1:
        raise AssertionError(f"expected one top-level section {key!r}, found {len(starts)}")
    start = starts[0]
    end = start + 1
    while end < len(lines) and (lines[end].strip() == "" or lines[end][0] in " \t"):
        end += 1
    # Keep blank lines that separate the section from the next one.
    while end > start + 1 and lines[end - 1].strip() == "":
        end -= 1
    if not block.endswith("\n"):
        block += "\n"
    return "".join(lines[:start]) + block + "".join(lines[end:])


def line_of(text, needle):
    """1-based number of the only line containing `needle`."""
    found = [i + 1 for i, line in enumerate(text.splitlines()) if needle in line]
    if len(found) != 1:
        raise AssertionError(f"expected one line containing {needle!r}, found {len(found)}")
    return found[0]


def column_of(text, needle):
    """1-based column where `needle` starts on its (only) line."""
    line = text.splitlines()[line_of(text, needle) - 1]
    return line.index(needle) + 1


# ---------------------------------------------------------------------------------------------
# A sandbox: a temporary directory with a config and a private copy of the scripts.


class Sandbox:
    """A temp dir holding `junction.yaml` and `scripts/` (a copy of the shipped scripts).

    The config is the shipped one with the admin port replaced by a free port and
    scripts.directory made absolute, so nothing points back into the source tree.
    """

    def __init__(self, owner, admin_port=None):
        """`owner`: a TestCase (cleanup after the test) or a cleanup-registering callable such as
        cls.addClassCleanup."""
        self._tmp = tempfile.TemporaryDirectory(prefix="junction-it-")
        add_cleanup(owner, self._tmp.cleanup)
        self.dir = self._tmp.name
        self.scripts_dir = os.path.join(self.dir, "scripts")
        shutil.copytree(os.path.join(source_dir(), "scripts"), self.scripts_dir)
        self.config_path = os.path.join(self.dir, "junction.yaml")
        self.admin_port = admin_port if admin_port is not None else free_port()
        self.sip_port = free_port()
        self.config_text = self.base_config_text()
        self.write_config()

    def base_config_text(self):
        text = shipped_config_text()
        text = replace_once(text, "  port: 8080", f"  port: {self.admin_port}")
        text = text.replace("port: 5060 }", f"port: {self.sip_port} }}")
        text = replace_once(text, "  directory: ../scripts", f"  directory: {self.scripts_dir}")
        text = replace_once(text, "state_directory: ../var", f"state_directory: {os.path.join(self.dir, 'var')}")
        self.mail_dir = os.path.join(self.dir, "var", "mail")
        text = replace_once(text, "config: { folder: ../var/mail }", f"config: {{ folder: {self.mail_dir} }}")
        return text

    def write_config(self, text=None):
        if text is not None:
            self.config_text = text
        with open(self.config_path, "w", encoding="utf-8") as f:
            f.write(self.config_text)
        return self.config_path

    def script_path(self, relative):
        return os.path.join(self.scripts_dir, relative)

    def write_script(self, relative, text):
        path = self.script_path(relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        # Written to a new file and renamed: the daemon never sees a half-written script.
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
        return path

    def path(self, name):
        return os.path.join(self.dir, name)


# ---------------------------------------------------------------------------------------------
# Running junctiond


def run(args, timeout=EXIT_TIMEOUT, cwd=None):
    """Runs junctiond to completion; returns CompletedProcess with text stdout/stderr."""
    return subprocess.run([junctiond(), *args], capture_output=True, text=True, errors="replace", timeout=timeout,
                          cwd=cwd, stdin=subprocess.DEVNULL)


class DaemonExited(AssertionError):
    pass


class Daemon:
    """A running junctiond whose stderr (its log) is collected line by line.

    Use as a context manager or register stop() as a cleanup; stop() is idempotent and always
    reaps the process (SIGTERM, then SIGKILL as a last resort).
    """

    def __init__(self, config_path, extra_args=(), cwd=None):
        self.config_path = config_path
        self.lines = []
        self._cond = threading.Condition()
        self._eof = False
        self.proc = subprocess.Popen([junctiond(), "--config", config_path, *extra_args], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace",
                                     bufsize=1, cwd=cwd)
        self.pid = self.proc.pid
        self._reader = threading.Thread(target=self._read, name=f"junctiond-{self.pid}-stderr", daemon=True)
        self._reader.start()

    def _read(self):
        try:
            for line in self.proc.stderr:
                with self._cond:
                    self.lines.append(line.rstrip("\n"))
                    self._cond.notify_all()
        finally:
            with self._cond:
                self._eof = True
                self._cond.notify_all()

    # -- log -------------------------------------------------------------------------------

    def log(self):
        with self._cond:
            return "\n".join(self.lines)

    def wait_for(self, pattern, timeout=START_TIMEOUT, start=0):
        """Waits for a log line matching the regex `pattern` (at or after line index `start`).

        Returns (index, line). Raises DaemonExited if junctiond closes its log first and
        AssertionError on timeout; both carry the log so far.
        """
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cond:
            next_index = start
            while True:
                while next_index < len(self.lines):
                    if regex.search(self.lines[next_index]):
                        return next_index, self.lines[next_index]
                    next_index += 1
                if self._eof:
                    raise DaemonExited(f"junctiond (pid {self.pid}) ended its log before a line matching "
                                       f"{pattern!r}; exit status {self.proc.poll()}; log:\n" + "\n".join(self.lines))
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no log line matching {pattern!r} within {timeout}s; log:\n" +
                                         "\n".join(self.lines))
                self._cond.wait(remaining)

    def wait_ready(self, timeout=START_TIMEOUT):
        return self.wait_for(r"\bready: ", timeout)[1]

    def line_count(self):
        with self._cond:
            return len(self.lines)

    # -- process ---------------------------------------------------------------------------

    def signal(self, signum):
        if self.proc.poll() is None:
            os.kill(self.pid, signum)

    def wait_exit(self, timeout=EXIT_TIMEOUT):
        """Waits for the process to exit and for its log to be read completely; returns the status."""
        status = self.proc.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return status

    def stop(self, timeout=EXIT_TIMEOUT):
        """SIGTERM, wait up to `timeout`, then SIGKILL. Returns the exit status."""
        if self.proc.poll() is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.proc.wait()
            except ProcessLookupError:
                self.proc.wait()
        self._reader.join(timeout=5)
        if self.proc.stderr and not self._reader.is_alive():
            self.proc.stderr.close()
        return self.proc.returncode

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


def add_cleanup(owner, function):
    # A TestCase is callable too (it runs itself): test for it first.
    (owner.addCleanup if isinstance(owner, unittest.TestCase) else owner)(function)


def start_daemon(owner, config_path, extra_args=(), wait_ready=True):
    """Starts junctiond, registers its stop() as a cleanup of `owner` (see Sandbox) and waits
    for the "ready:" log line."""
    daemon = Daemon(config_path, extra_args)
    add_cleanup(owner, daemon.stop)
    if wait_ready:
        daemon.wait_ready()
    return daemon


# ---------------------------------------------------------------------------------------------
# Admin HTTP


def http_get(port, path, timeout=5.0):
    """GET http://127.0.0.1:port/path; returns (status, headers dict lower-cased, body str)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read().decode("utf-8", errors="replace")
        headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, headers, body
    finally:
        conn.close()


def http_get_json(port, path, timeout=5.0):
    status, headers, body = http_get(port, path, timeout)
    return status, json.loads(body)


def http_post(port, path, timeout=10.0):
    """POSTs with no body; returns (status, body text)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("POST", path)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def raw_request(port, data, timeout=5.0):
    """Sends raw bytes, returns everything the server sends until it closes (or times out)."""
    with socket.create_connection((HOST, port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except socket.timeout:
            pass
        return b"".join(chunks)
