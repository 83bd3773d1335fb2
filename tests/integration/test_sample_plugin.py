"""The SDK sample plugin (sdk/examples/hello) built out of tree against the INSTALLED SDK.

setUpClass installs the project's build tree into a temporary prefix (`cmake --install`),
configures and builds sdk/examples/hello there with `-DCMAKE_PREFIX_PATH=<prefix>` (Ninja),
then the tests load the resulting junction_hello.so into the junctiond under test.

There is no network channel driver yet, so no call can be placed to run hello("world"); the
tests check instead that the plugin's schema is enforced, that it starts, registers its verb
(the flow script's top level checks that `hello` is bound) and its metric, and stops cleanly.
"""

import os
import re
import shutil
import signal
import subprocess
import tempfile
import unittest

import junction_harness as h

BUILD_TIMEOUT = 240

# Loaded by --check too, where plugins are configured but not started: their verbs exist only
# in a running daemon, so the flow calls hello() inside on_call only.
HELLO_FLOW = """\
function on_call(call)
  local greeting = hello("world")
  log("hello verb says: " .. greeting)
  hangup(16)
end
"""

# For a running daemon: the top level refuses to load unless the plugin's verb is bound.
HELLO_FLOW_REQUIRING_VERB = """\
if type(hello) ~= "function" then
  error("the hello plugin's verb is not registered")
end
""" + HELLO_FLOW


def run_tool(args, timeout=BUILD_TIMEOUT, cwd=None):
    result = subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=cwd, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed with status {result.returncode}:\n"
                             f"{result.stdout}\n{result.stderr}")
    return result


def cmake_cache_value(build, name):
    with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8") as f:
        for line in f:
            match = re.match(rf"{re.escape(name)}:[A-Z]+=(.*)$", line.rstrip("\n"))
            if match:
                return match.group(1)
    return None


class SamplePluginTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cmake = os.environ.get("JUNCTION_CMAKE") or shutil.which("cmake")
        if not cmake or not shutil.which("ninja"):
            raise unittest.SkipTest("cmake and ninja are needed to build the sample plugin")
        tmp = tempfile.TemporaryDirectory(prefix="junction-sdk-")
        cls.addClassCleanup(tmp.cleanup)
        cls.prefix = os.path.join(tmp.name, "prefix")
        cls.plugin_build = os.path.join(tmp.name, "hello-build")
        example = os.path.join(h.source_dir(), "sdk", "examples", "hello")

        run_tool([cmake, "--install", h.build_dir(), "--prefix", cls.prefix])
        configure = [cmake, "-S", example, "-B", cls.plugin_build, "-G", "Ninja",
                     f"-DCMAKE_PREFIX_PATH={cls.prefix}", "-DCMAKE_EXPORT_COMPILE_COMMANDS=ON",
                     "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF"]
        # The plugin must be built with junctiond's compiler (the build fingerprint checks it).
        if os.environ.get("JUNCTION_CXX_COMPILER"):
            configure.append(f"-DCMAKE_CXX_COMPILER={os.environ['JUNCTION_CXX_COMPILER']}")
        run_tool(configure)
        run_tool([cmake, "--build", cls.plugin_build])
        cls.plugin = os.path.join(cls.plugin_build, "junction_hello.so")

    # -- the build itself ----------------------------------------------------------------------

    def test_install_contains_sdk_package(self):
        package = os.path.join(self.prefix, "lib", "cmake", "JunctionSDK")
        for name in ("JunctionSDKConfig.cmake", "JunctionSDKConfigVersion.cmake", "JunctionSDKTargets.cmake",
                     "JunctionPlugin.cmake"):
            self.assertTrue(os.path.isfile(os.path.join(package, name)), name)
        self.assertTrue(os.path.isfile(os.path.join(self.prefix, "include", "junction", "junction.hpp")))

    def test_built_against_installed_sdk_only(self):
        self.assertTrue(os.path.isfile(self.plugin), self.plugin)
        found = cmake_cache_value(self.plugin_build, "JunctionSDK_DIR")
        self.assertIsNotNone(found, "JunctionSDK_DIR is not in the plugin build's CMakeCache.txt")
        expected = os.path.join(self.prefix, "lib", "cmake", "JunctionSDK")
        self.assertEqual(os.path.realpath(found), os.path.realpath(expected))
        with open(os.path.join(self.plugin_build, "compile_commands.json"), encoding="utf-8") as f:
            commands = f.read()
        self.assertIn(os.path.join(self.prefix, "include"), commands)
        self.assertNotIn(os.path.join(h.source_dir(), "sdk", "include"), commands)
        self.assertIn("-fno-gnu-unique", commands)
        self.assertIn("-fvisibility=hidden", commands)

    def test_only_the_descriptor_is_exported(self):
        nm = shutil.which("nm")
        if not nm:
            self.skipTest("nm is not installed")
        symbols = run_tool([nm, "-D", "--defined-only", self.plugin]).stdout
        names = {line.split()[-1] for line in symbols.splitlines() if line.strip()}
        self.assertIn("junction_plugin_descriptor", names)
        self.assertFalse([n for n in names if "hello" in n.lower()], names)

    # -- loading it -----------------------------------------------------------------------------

    def sandbox_with_hello(self, config_lines=("greeting: Hi",), flow=HELLO_FLOW):
        sandbox = h.Sandbox(self)
        block = f"plugins:\n  - name: hello\n    path: {self.plugin}\n"
        if config_lines is not None:
            block += "    config:\n" + "".join(f"      {line}\n" for line in config_lines)
        text = h.replace_section(sandbox.config_text, "plugins", block)
        text = h.replace_once(text, "  strategies: [lua, registered_users, prefix_routes]", "  strategies: [lua]")
        sandbox.write_config(text)
        sandbox.write_script("flows/default.lua", flow)
        return sandbox

    def test_check_lists_the_plugin(self):
        sandbox = self.sandbox_with_hello()
        result = h.run(["--check", "--config", sandbox.config_path])
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertRegex(result.stdout, rf"(?m)^  1\. hello 0\.1\.0  {re.escape(self.plugin)}$")
        self.assertNotIn("prefix_routes", result.stdout)

    def test_check_without_config_block_uses_default(self):
        sandbox = self.sandbox_with_hello(config_lines=None)
        result = h.run(["--check", "--config", sandbox.config_path])
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def test_check_refuses_unknown_key_in_plugin_block(self):
        sandbox = self.sandbox_with_hello(config_lines=("greeting: Hi", "colour: red"))
        result = h.run(["--check", "--config", sandbox.config_path])
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        line = h.line_of(sandbox.config_text, "colour: red")
        self.assertRegex(result.stderr, re.escape(f"{sandbox.config_path}:{line}:7: ") +
                         r"plugins\[0\]\.config\.colour: unknown key 'colour' \(.*allowed: greeting\)")
        self.assertEqual(len(result.stderr.strip().splitlines()), 1, result.stderr)

    def test_check_refuses_wrong_type_in_plugin_block(self):
        sandbox = self.sandbox_with_hello(config_lines=("greeting: [Hi, there]",))
        result = h.run(["--check", "--config", sandbox.config_path])
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertRegex(result.stderr, r":\d+:\d+: plugins\[0\]\.config\.greeting: expected a string")

    def test_check_refuses_empty_greeting(self):
        sandbox = self.sandbox_with_hello(config_lines=('greeting: ""',))
        result = h.run(["--check", "--config", sandbox.config_path])
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertRegex(result.stderr, r":\d+:\d+: plugins\[0\]\.config\.greeting: expected a non-empty greeting")

    def test_starts_registers_verb_and_metric_and_stops_cleanly(self):
        sandbox = self.sandbox_with_hello(flow=HELLO_FLOW_REQUIRING_VERB)
        daemon = h.start_daemon(self, sandbox.config_path)
        log = daemon.log()
        self.assertIn('[hello] hello plugin started, greeting "Hi"', log)
        self.assertIn(f"[plugins] started hello 0.1.0 from {self.plugin}", log)
        self.assertIn("[lua] scripts loaded (generation 1)", log)

        status, health = h.http_get_json(sandbox.admin_port, "/health")
        self.assertEqual(status, 200)
        self.assertEqual(health["plugins"], [{"name": "hello", "version": "0.1.0"}])
        status, _, metrics = h.http_get(sandbox.admin_port, "/metrics")
        self.assertEqual(status, 200)
        self.assertRegex(metrics, r"(?m)^# TYPE junction_hello_greetings_total counter$")
        self.assertRegex(metrics, r"(?m)^junction_hello_greetings_total 0$")

        # A reload binds the plugin's verb into the new generation as well.
        mark = daemon.line_count()
        daemon.signal(signal.SIGHUP)
        daemon.wait_for(r"scripts reloaded \(generation 2\)", start=mark)

        self.assertEqual(daemon.stop(), 0, daemon.log())
        log = daemon.log()
        lines = log.splitlines()
        order = []
        for suffix in ("[hello] hello plugin stopping", "[plugins] stopped hello", "[core] stopped"):
            found = [i for i, line in enumerate(lines) if line.endswith(suffix)]
            self.assertEqual(len(found), 1, f"expected one line ending in {suffix!r}:\n{log}")
            order.append(found[0])
        self.assertEqual(order, sorted(order), log)
        self.assertNotRegex(log, r"\b(error|warn) ", log)


if __name__ == "__main__":
    unittest.main()
