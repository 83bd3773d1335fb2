"""The admin listener of a running junctiond: /health, /metrics, bad requests, a busy port."""

import http.client
import json
import re
import socket
import unittest

import junction_harness as h


class AdminHttpTest(unittest.TestCase):
    """One daemon (the shipped config on a free port) serves every test in this class."""

    @classmethod
    def setUpClass(cls):
        cls.sandbox = h.Sandbox(cls.addClassCleanup)
        cls.port = cls.sandbox.admin_port
        cls.daemon = h.start_daemon(cls.addClassCleanup, cls.sandbox.config_path)

    def assert_still_healthy(self):
        status, health = h.http_get_json(self.port, "/health")
        self.assertEqual(status, 200)
        self.assertEqual(health["status"], "ok")
        self.assertIsNone(self.daemon.proc.poll(), "junctiond exited:\n" + self.daemon.log())

    def test_ready_line_names_the_admin_address(self):
        self.assertRegex(self.daemon.log(),
                         rf"\[core\] ready: 4 plugins, scripts generation 1, admin http://127\.0\.0\.1:{self.port}\b")
        self.assertIn("started prefix_routes", self.daemon.log())

    def test_health_is_json_with_node_id(self):
        status, headers, body = h.http_get(self.port, "/health")
        self.assertEqual(status, 200, body)
        self.assertTrue(headers.get("content-type", "").startswith("application/json"), headers)
        health = json.loads(body)
        self.assertEqual(health["status"], "ok")
        self.assertEqual(health["node"], "junction-1")
        self.assertEqual(health["script_generation"], 1)
        self.assertEqual(health["active_calls"], 0)
        self.assertIsInstance(health["uptime_seconds"], int)
        self.assertIn("prefix_routes", [plugin["name"] for plugin in health["plugins"]])

    def test_metrics_is_prometheus_text(self):
        status, headers, body = h.http_get(self.port, "/metrics")
        self.assertEqual(status, 200, body)
        self.assertTrue(headers.get("content-type", "").startswith("text/plain"), headers)
        self.assertRegex(body, r"(?m)^# TYPE junction_calls_active gauge$")
        self.assertRegex(body, r"(?m)^junction_calls_active 0$")
        self.assertRegex(body, r"(?m)^# TYPE process_resident_memory_bytes gauge$")
        match = re.search(r"(?m)^process_resident_memory_bytes (\S+)$", body)
        self.assertIsNotNone(match, body)
        self.assertGreater(float(match.group(1)), 1e6)
        self.assertRegex(body, r"(?m)^junction_script_generation 1$")
        self.assertRegex(body, r'(?m)^junction_prefix_routes_lookups_total\{result="matched"\} 0$')
        # Every sample line is "name[{labels}] value".
        for line in body.splitlines():
            if line and not line.startswith("#"):
                self.assertRegex(line, r"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? \S+$")

    def test_unknown_path_is_404(self):
        status, _, body = h.http_get(self.port, "/nothing-here")
        self.assertEqual(status, 404, body)
        self.assert_still_healthy()

    def test_wrong_method_is_405(self):
        conn = http.client.HTTPConnection(h.HOST, self.port, timeout=5)
        try:
            conn.request("POST", "/health", body=b"{}")
            response = conn.getresponse()
            response.read()
            self.assertEqual(response.status, 405)
            self.assertEqual(response.getheader("Allow"), "GET, HEAD")
        finally:
            conn.close()
        self.assert_still_healthy()

    def test_malformed_request_is_400_and_daemon_keeps_serving(self):
        answer = h.raw_request(self.port, b"GARBAGE\r\n\r\n")
        self.assertRegex(answer.split(b"\r\n", 1)[0].decode("latin-1"), r"^HTTP/1\.[01] 400 ")
        self.assert_still_healthy()

    def test_client_that_disconnects_early_is_harmless(self):
        with socket.create_connection((h.HOST, self.port), timeout=5) as s:
            s.sendall(b"GET /hea")
        self.assert_still_healthy()


class AdminListenerSettingsTest(unittest.TestCase):
    def test_port_0_picks_a_free_port(self):
        sandbox = h.Sandbox(self, admin_port=0)
        daemon = h.start_daemon(self, sandbox.config_path)
        port = int(re.search(r"admin http://127\.0\.0\.1:(\d+)$", daemon.wait_ready()).group(1))
        self.assertNotEqual(port, 0)
        status, health = h.http_get_json(port, "/health")
        self.assertEqual(status, 200)
        self.assertEqual(daemon.stop(), 0, daemon.log())

    def test_admin_disabled_binds_nothing(self):
        sandbox = h.Sandbox(self)
        sandbox.write_config(h.replace_once(sandbox.config_text, "  enabled: true", "  enabled: false"))
        daemon = h.start_daemon(self, sandbox.config_path)
        self.assertRegex(daemon.wait_ready(), r"ready: 4 plugins, scripts generation 1, admin disabled$")
        self.assertTrue(h.port_is_free(sandbox.admin_port))
        self.assertEqual(daemon.stop(), 0, daemon.log())


class AdminPortBusyTest(unittest.TestCase):
    def test_admin_port_in_use_exits_1(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
            taken.bind((h.HOST, 0))
            taken.listen(1)
            port = taken.getsockname()[1]
            sandbox = h.Sandbox(self, admin_port=port)
            daemon = h.start_daemon(self, sandbox.config_path, wait_ready=False)
            status = daemon.wait_exit(timeout=h.START_TIMEOUT)
        log = daemon.log()
        self.assertEqual(status, 1, log)
        self.assertIn(f"admin: cannot listen on 127.0.0.1:{port}: Address already in use", log)
        self.assertNotRegex(log, r"\bready: ")
        # The plugins it had started are stopped again before it exits.
        self.assertLess(log.index("started prefix_routes"), log.index("stopped prefix_routes"))


if __name__ == "__main__":
    unittest.main()
