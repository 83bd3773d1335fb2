-- Routing rules: route(request) is called synchronously whenever a flow dials a number that
-- is not an explicit "driver/destination" target.
--
-- request = { number = "1001", caller = "1002", caller_name = "Bob", call_id = "c-7",
--             headers = { ... },
--             trunks = { carrier = { registration = "registered", reachable = true,
--                                    usable = true }, ... } }
-- Return nil (no route: the next strategy in routing.strategies is asked, e.g.
-- registered_users for extensions), a target string, or a list of targets with an optional
-- mode = "parallel" (ring all at once; default is one after another).
--
-- Targets: "sip/<SIP URI>", "trunk/<trunks>/<number>" (trunks "a,b": a, then b if a fails;
-- "a|b": shared by weight), "loopback/<behaviour>".

-- Test numbers on the built-in loopback driver, useful to try the daemon without phones.
local loopback_numbers = {
  ["9000"] = "loopback/answer",        -- answers at once
  ["9001"] = "loopback/busy",          -- busy
  ["9002"] = "loopback/ring",          -- rings until the dial times out
  ["9003"] = "loopback/hangup:5000",   -- answers and hangs up after five seconds
}

-- With a trunk configured (plugins[sip].config.trunks), outside calls could go out like this:
--   if request.number:match("^0%d+$") then return "trunk/carrier/" .. request.number:sub(2) end

function route(request)
  return loopback_numbers[request.number]
end
