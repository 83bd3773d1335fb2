-- Routing rules: route(request) is called synchronously whenever a flow dials a number that
-- is not an explicit "driver/destination" target.
--
-- request = { number = "1001", caller = "1002", caller_name = "Bob", call_id = "c-7",
--             headers = { ... } }
-- Return nil (no route), a target string, or a list of targets with an optional
-- mode = "parallel" (ring all at once; default is one after another).

-- Test numbers on the built-in loopback driver, useful to try the daemon without phones.
local loopback_numbers = {
  ["9000"] = "loopback/answer",        -- answers at once
  ["9001"] = "loopback/busy",          -- busy
  ["9002"] = "loopback/ring",          -- rings until the dial times out
  ["9003"] = "loopback/hangup:5000",   -- answers and hangs up after five seconds
}

function route(request)
  return loopback_numbers[request.number]
end
