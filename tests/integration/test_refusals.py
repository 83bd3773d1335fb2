"""junctiond refuses bad config, plugins and scripts: exit status 2, a precise message, nothing started.

Every case runs twice: with --check (problems on stderr) and as a normal start (problems in the
log, then "refusing to start"). A normal start must not get as far as the admin listener.
"""

import re
import unittest

import junction_harness as h


class RefusalTestCase(unittest.TestCase):
    def setUp(self):
        self.sandbox = h.Sandbox(self)

    def edited(self, *replacements):
        text = self.sandbox.base_config_text()
        for old, new in replacements:
            text = h.replace_once(text, old, new)
        self.sandbox.write_config(text)
        return text

    def assert_refused(self, *patterns, plugins_start_first=False):
        """Runs --check and a normal start; both must exit 2 and print every regex in `patterns`.

        Config and plugin problems are found before any plugin starts. Scripts are loaded after
        the plugins started (their verbs must exist first), so for script problems
        `plugins_start_first` allows plugins that started and were stopped again.
        """
        config = self.sandbox.config_path
        check = h.run(["--check", "--config", config])
        self.assertEqual(check.returncode, 2,
                         f"--check should refuse; stdout:\n{check.stdout}\nstderr:\n{check.stderr}")
        self.assertNotIn(": OK", check.stdout)
        for pattern in patterns:
            self.assertRegex(check.stderr, pattern)

        start = h.run(["--config", config])
        self.assertEqual(start.returncode, 2, f"start should refuse; stderr:\n{start.stderr}")
        for pattern in patterns:
            self.assertRegex(start.stderr, pattern)
        self.assertRegex(start.stderr, r"refusing to start")
        self.assertNotRegex(start.stderr, r"\bready: ")
        self.assertNotIn("admin: listening", start.stderr)
        if plugins_start_first:
            self.assertEqual(start.stderr.count("[plugins] started "), start.stderr.count("[plugins] stopped "),
                             start.stderr)
        else:
            self.assertNotIn("[plugins] started ", start.stderr)
        self.assertTrue(h.port_is_free(self.sandbox.admin_port))
        return check, start

    def where(self, text, needle, column=None):
        """Regex for "<config file>:<line>:<column>: " of the line holding `needle`."""
        line = h.line_of(text, needle)
        col = column if column is not None else h.column_of(text, needle.strip())
        return re.escape(f"{self.sandbox.config_path}:{line}:{col}: ")


class ConfigErrorTest(RefusalTestCase):
    def test_unknown_key(self):
        text = self.edited(("  address: 127.0.0.1\n", "  address: 127.0.0.1\n  colour: blue\n"))
        self.assert_refused(self.where(text, "  colour: blue") + r"admin\.colour: unknown key 'colour' \(.*allowed: "
                            r"address, enabled, port\)")

    def test_wrong_type(self):
        text = self.edited((f"  port: {self.sandbox.admin_port}\n", "  port: eighty\n"))
        self.assert_refused(self.where(text, "  port: eighty", column=h.column_of(text, "eighty")) +
                            r"admin\.port: expected an integer between 0 and 65535, got .*eighty")

    def test_value_out_of_range(self):
        text = self.edited((f"  port: {self.sandbox.admin_port}\n", "  port: 70000\n"))
        self.assert_refused(self.where(text, "  port: 70000", column=h.column_of(text, "70000")) +
                            r"admin\.port: expected an integer between 0 and 65535, got 70000")

    def test_missing_required_key(self):
        # The first user loses its extension: reported at that user's map, with the key path.
        text = self.edited(('  - extension: "1001"\n    name: Alice Example\n', "  - name: Alice Example\n"))
        self.assert_refused(self.where(text, "  - name: Alice Example", column=5) +
                            r"users\[0\]\.extension: missing required key")

    def test_duplicate_extension(self):
        text = self.edited(('  - extension: "1002"\n', '  - extension: "1001"\n'))
        lines = [i + 1 for i, line in enumerate(text.splitlines()) if line == '  - extension: "1001"']
        self.assertEqual(len(lines), 2)
        first, second = lines
        self.assert_refused(re.escape(f"{self.sandbox.config_path}:{second}:16: ") +
                            rf"users\[1\]\.extension: duplicate extension .1001. \(first defined at line {first}\)")

    def test_missing_script_file(self):
        text = self.edited(("  flow: flows/default.lua", "  flow: flows/missing.lua"))
        missing = self.sandbox.script_path("flows/missing.lua")
        self.assert_refused(self.where(text, "  flow: flows/missing.lua", column=h.column_of(text, "flows/missing")) +
                            r"scripts\.flow: file not found: " + re.escape(missing))

    def test_yaml_syntax_error(self):
        # " admin:" indented by one space no longer fits the document's structure.
        text = self.edited(("\nadmin:", "\n admin:"))
        self.assert_refused(self.where(text, " admin:", column=2) + r"invalid YAML: ")

    def test_empty_config_file(self):
        self.sandbox.write_config("# nothing but a comment\n")
        self.assert_refused(re.escape(f"{self.sandbox.config_path}:1:1: ") + "the config file is empty")

    def test_all_problems_reported_at_once(self):
        text = self.edited(("  address: 127.0.0.1\n", "  address: 127.0.0.1\n  colour: blue\n"),
                           ("  drain_timeout_ms: 5000", "  drain_timeout_ms: soon"))
        check, _ = self.assert_refused(self.where(text, "  colour: blue") + r"admin\.colour: unknown key",
                                       self.where(text, "drain_timeout_ms: soon", column=h.column_of(text, "soon")) +
                                       r"shutdown\.drain_timeout_ms: expected an integer")
        self.assertEqual(len(check.stderr.strip().splitlines()), 2, check.stderr)


class PluginRefusalTest(RefusalTestCase):
    def test_unknown_plugin_name(self):
        self.edited(("plugins:\n", "plugins:\n  - name: nosuch\n"))
        check, start = self.assert_refused(r"plugin 'nosuch': junction_nosuch\.so not found \(searched \S*plugins")
        # One line saying why, nothing else.
        self.assertEqual(len(check.stderr.strip().splitlines()), 1, check.stderr)
        self.assertNotIn("started prefix_routes", start.stderr)

    def test_plugin_path_not_found(self):
        missing = self.sandbox.path("lib/junction_extra.so")
        self.edited(("plugins:\n", f"plugins:\n  - name: extra\n    path: lib/junction_extra.so\n"))
        check, _ = self.assert_refused(r"plugin 'extra': file not found: " + re.escape(missing))
        self.assertEqual(len(check.stderr.strip().splitlines()), 1, check.stderr)

    def test_duplicate_plugin_name(self):
        text = self.edited(("plugins:\n", "plugins:\n  - name: prefix_routes\n"))
        lines = [i + 1 for i, line in enumerate(text.splitlines()) if line == "  - name: prefix_routes"]
        self.assertEqual(len(lines), 2)
        self.assert_refused(re.escape(f"{self.sandbox.config_path}:{lines[1]}:11: ") +
                            r"plugins\[2\]\.name: duplicate plugin name 'prefix_routes' "
                            rf"\(first defined at line {lines[0]}\)")

    def test_plugin_config_unknown_key(self):
        text = self.edited(("          target: loopback/answer\n",
                            "          target: loopback/answer\n      bogus: 1\n"))
        check, _ = self.assert_refused(self.where(text, "      bogus: 1") +
                                       r"plugins\[1\]\.config\.bogus: unknown key 'bogus' \(.*allowed: routes\)")
        self.assertEqual(len(check.stderr.strip().splitlines()), 1, check.stderr)

    def test_plugin_config_refused_by_plugin(self):
        # Checked by the plugin's configure(), beyond its schema.
        text = self.edited(("          target: loopback/answer\n", "          target: nowhere\n"))
        self.assert_refused(self.where(text, "          target: nowhere", column=h.column_of(text, "nowhere")) +
                            r"plugins\[1\]\.config\.routes\[0\]\.target: "
                            r"expected \"driver/destination\", got 'nowhere'")

    def test_routing_strategy_nobody_provides(self):
        self.edited(("  strategies: [lua, registered_users, prefix_routes]",
                     "  strategies: [lua, registered_users, prefix_routes, nobody]"))
        config = self.sandbox.config_path
        start = h.run(["--config", config])
        self.assertEqual(start.returncode, 2, start.stderr)
        self.assertIn("routing.strategies names strategies no plugin provides: nobody", start.stderr)
        self.assertNotRegex(start.stderr, r"\bready: ")
        self.assertTrue(h.port_is_free(self.sandbox.admin_port))


class ScriptRefusalTest(RefusalTestCase):
    def test_syntax_error_names_file_and_line(self):
        self.sandbox.write_script("flows/default.lua", 'function on_call(call)\n  log("unclosed"\nend\n')
        self.assert_refused(r"flows/default\.lua:3: '\)' expected \(to close '\(' at line 2\)",
                            plugins_start_first=True)

    def test_runtime_error_at_top_level_names_file_and_line(self):
        self.sandbox.write_script("routing/default.lua", "function route(request) end\nerror('boom')\n")
        self.assert_refused(r"routing/default\.lua:2: boom", plugins_start_first=True)

    def test_flow_without_on_call(self):
        self.sandbox.write_script("flows/default.lua", "function on_finish(call, reason) end\n")
        self.assert_refused(re.escape(self.sandbox.script_path("flows/default.lua")) +
                            r": does not define the function on_call\(call\)", plugins_start_first=True)


if __name__ == "__main__":
    unittest.main()
