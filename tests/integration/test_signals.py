"""Signals to a running junctiond: SIGHUP reloads the scripts, SIGTERM and SIGINT stop it."""

import re
import signal
import time
import unittest

import junction_harness as h

RELOADED_FLOW = """\
-- Edited by the integration test: a new generation must pick this up.
function on_call(call)
  log("generation two flow for " .. call.callee)
  hangup(16)
end
"""

BROKEN_FLOW = """\
function on_call(call)
  log("missing parenthesis"
end
"""


class ReloadTest(unittest.TestCase):
    def setUp(self):
        self.sandbox = h.Sandbox(self)
        self.daemon = h.start_daemon(self, self.sandbox.config_path)
        self.port = self.sandbox.admin_port

    def sighup_and_wait(self, pattern):
        mark = self.daemon.line_count()
        self.daemon.signal(signal.SIGHUP)
        self.daemon.wait_for(r"received SIGHUP, reloading scripts", start=mark)
        return self.daemon.wait_for(pattern, start=mark)[1]

    def health(self):
        status, health = h.http_get_json(self.port, "/health")
        self.assertEqual(status, 200, health)
        return health

    def test_sighup_reloads_edited_script(self):
        self.assertEqual(self.health()["script_generation"], 1)
        self.sandbox.write_script("flows/default.lua", RELOADED_FLOW)
        self.sighup_and_wait(r"\[lua\] scripts reloaded \(generation 2\)")
        self.assertEqual(self.health()["script_generation"], 2)
        _, _, metrics = h.http_get(self.port, "/metrics")
        self.assertRegex(metrics, r"(?m)^junction_script_generation 2$")
        self.assertRegex(metrics, r"(?m)^junction_script_reloads_total 1$")

    def test_broken_script_on_sighup_keeps_running_generation(self):
        self.sandbox.write_script("flows/default.lua", RELOADED_FLOW)
        self.sighup_and_wait(r"scripts reloaded \(generation 2\)")

        self.sandbox.write_script("flows/default.lua", BROKEN_FLOW)
        line = self.sighup_and_wait(r"script reload failed, keeping generation")
        self.assertIn("script reload failed, keeping generation 2", line)
        self.assertRegex(line, r"flows/default\.lua:3: ")
        self.assertIsNone(self.daemon.proc.poll(), "junctiond exited after a failed reload:\n" + self.daemon.log())
        health = self.health()
        self.assertEqual(health["status"], "ok")
        self.assertEqual(health["script_generation"], 2)

        # Fixed again, the next SIGHUP loads a newer generation.
        self.sandbox.write_script("flows/default.lua", RELOADED_FLOW)
        line = self.sighup_and_wait(r"scripts reloaded \(generation \d+\)")
        generation = int(re.search(r"generation (\d+)", line).group(1))
        self.assertGreater(generation, 2)
        self.assertEqual(self.health()["script_generation"], generation)

        self.assertEqual(self.daemon.stop(), 0, self.daemon.log())

    def test_failed_reload_does_not_use_up_a_generation_number(self):
        # Generations count the script versions that were loaded: after 1, a failed reload and a
        # good one, the running scripts are generation 2 ("keeping generation 1" was logged, and
        # no generation 2 ever ran before).
        self.sandbox.write_script("flows/default.lua", BROKEN_FLOW)
        self.sighup_and_wait(r"script reload failed, keeping generation 1")
        self.sandbox.write_script("flows/default.lua", RELOADED_FLOW)
        line = self.sighup_and_wait(r"scripts reloaded \(generation \d+\)")
        self.assertIn("scripts reloaded (generation 2)", line)
        self.assertEqual(self.health()["script_generation"], 2)

    def test_burst_of_sighups_is_harmless(self):
        for _ in range(20):
            self.daemon.signal(signal.SIGHUP)
        self.daemon.wait_for(r"scripts reloaded \(generation \d+\)")
        health = self.health()
        self.assertEqual(health["status"], "ok")
        self.assertGreaterEqual(health["script_generation"], 2)
        self.assertEqual(self.daemon.stop(), 0, self.daemon.log())
        self.assertNotIn("reload failed", self.daemon.log())


class StopTest(unittest.TestCase):
    DRAIN_SECONDS = 5.0  # shutdown.drain_timeout_ms in the shipped config

    def stop_with(self, signum, name):
        sandbox = h.Sandbox(self)
        self.assertIn("drain_timeout_ms: 5000", sandbox.config_text)
        daemon = h.start_daemon(self, sandbox.config_path)
        started = time.monotonic()
        daemon.signal(signum)
        status = daemon.wait_exit(timeout=self.DRAIN_SECONDS + h.EXIT_TIMEOUT)
        elapsed = time.monotonic() - started
        log = daemon.log()
        self.assertEqual(status, 0, log)
        # No calls are up, so it need not wait for the drain period at all.
        self.assertLess(elapsed, self.DRAIN_SECONDS, log)

        lines = log.splitlines()

        def index(pattern):
            found = [i for i, line in enumerate(lines) if re.search(pattern, line)]
            self.assertEqual(len(found), 1, f"expected one line matching {pattern!r}:\n{log}")
            return found[0]

        received = index(rf"\[core\] received {name}, shutting down$")
        plugin_stopped = index(r"\[plugins\] stopped prefix_routes$")
        stopped = index(r"\[core\] stopped$")
        self.assertLess(received, plugin_stopped, log)
        self.assertLess(plugin_stopped, stopped, log)
        self.assertEqual(stopped, len(lines) - 1, "'stopped' should be the last line:\n" + log)
        self.assertTrue(h.port_is_free(sandbox.admin_port))

    def test_sigterm_stops_gracefully(self):
        self.stop_with(signal.SIGTERM, "SIGTERM")

    def test_sigint_stops_gracefully(self):
        self.stop_with(signal.SIGINT, "SIGINT")


if __name__ == "__main__":
    unittest.main()
