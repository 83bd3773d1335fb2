"""junctiond's command line: --version, --help, bad arguments, and --check on the shipped config."""

import os
import re
import unittest

import junction_harness as h


class CommandLineTest(unittest.TestCase):
    def test_version_prints_version_and_abi(self):
        result = h.run(["--version"])
        self.assertEqual(result.returncode, 0, result.stderr)
        version = re.escape(os.environ["JUNCTION_VERSION"]) if "JUNCTION_VERSION" in os.environ else r"\d+\.\d+\.\d+"
        self.assertRegex(result.stdout, rf"^junctiond {version} \(plugin SDK ABI \d+\)\n$")
        self.assertEqual(result.stderr, "")

    def test_help_exits_0_with_usage(self):
        result = h.run(["--help"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("usage: junctiond", result.stdout)
        for option in ("--config", "--check", "--log-level", "--version"):
            self.assertIn(option, result.stdout)

    def test_unknown_argument_exits_2(self):
        result = h.run(["--frobnicate"])
        self.assertEqual(result.returncode, 2)
        self.assertIn("unknown argument '--frobnicate'", result.stderr)
        self.assertIn("usage: junctiond", result.stderr)
        self.assertEqual(result.stdout, "")

    def test_option_without_value_exits_2(self):
        for option in ("--config", "--log-level"):
            with self.subTest(option=option):
                result = h.run([option])
                self.assertEqual(result.returncode, 2)
                self.assertIn(f"{option} needs a value", result.stderr)

    def test_bad_log_level_exits_2(self):
        result = h.run(["--log-level", "loud", "--check", "--config", h.shipped_config_path()])
        self.assertEqual(result.returncode, 2)
        self.assertIn("--log-level must be trace, debug, info, warn, error or off, got 'loud'", result.stderr)

    def test_missing_config_file_exits_2(self):
        sandbox = h.Sandbox(self)
        missing = sandbox.path("nope.yaml")
        for args in (["--check"], []):
            with self.subTest(args=args):
                result = h.run([*args, "--config", missing])
                self.assertEqual(result.returncode, 2)
                self.assertRegex(result.stderr, rf"{re.escape(missing)}:0:0: cannot read config file: No such file")


class ShippedConfigCheckTest(unittest.TestCase):
    def assert_plan(self, result, config_path, admin_port):
        self.assertEqual(result.returncode, 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
        out = result.stdout
        self.assertIn(f"config {config_path}: OK", out)
        self.assertIn("node junction-1", out)
        self.assertIn("plugins (start order):", out)
        self.assertRegex(out, r"(?m)^  1\. sip \S+  \S*junction_sip\.so$")
        self.assertRegex(out, r"(?m)^  2\. prefix_routes \S+  \S*junction_prefix_routes\.so$")
        self.assertIn("scripts: flow ", out)
        self.assertRegex(out, r"(?m)^routing strategies: lua registered_users prefix_routes\s*$")
        self.assertRegex(out, r"(?m)^users: 2$")
        self.assertIn(f"admin: http://127.0.0.1:{admin_port}", out)

    def test_shipped_config_passes_check_as_is(self):
        # --check never binds the admin port, so the shipped file (port 8080) is safe to use
        # even when other runs use 8080 at the same time.
        path = h.shipped_config_path()
        result = h.run(["--check", "--config", path])
        self.assert_plan(result, path, 8080)

    def test_shipped_config_relative_path_from_source_dir(self):
        # The documented invocation: run from the source tree with the default --config.
        result = h.run(["--check"], cwd=h.source_dir())
        self.assert_plan(result, "config/junction.yaml", 8080)

    def test_copy_with_own_port_passes_check(self):
        sandbox = h.Sandbox(self)
        result = h.run(["--check", "--config", sandbox.config_path])
        self.assert_plan(result, sandbox.config_path, sandbox.admin_port)
        self.assertIn(os.path.join(sandbox.scripts_dir, "flows", "default.lua"), result.stdout)
        # --check is quiet on stderr when all is well (logging defaults to warn).
        self.assertEqual(result.stderr, "")
        self.assertTrue(h.port_is_free(sandbox.admin_port))

    def test_check_prints_ipv6_admin_address_as_url(self):
        # Only --check: nothing listens, no traffic leaves 127.0.0.1.
        sandbox = h.Sandbox(self)
        sandbox.write_config(h.replace_once(sandbox.config_text, "  address: 127.0.0.1", '  address: "::1"'))
        result = h.run(["--check", "--config", sandbox.config_path])
        self.assertEqual(result.returncode, 0, result.stderr)
        # A URL needs the brackets: http://[::1]:port, as the admin listener's own log writes it.
        self.assertIn(f"admin: http://[::1]:{sandbox.admin_port}\n", result.stdout)


if __name__ == "__main__":
    unittest.main()
