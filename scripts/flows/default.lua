-- The default call flow. on_call(call) runs as a coroutine for every inbound call; verbs such
-- as answer, dial and sleep suspend it until they complete. on_finish(call, reason) always
-- runs afterwards, with reason "completed", "hangup", "error" or "budget".
--
-- call = { id = "c-7", caller = "1002", caller_name = "Bob", callee = "1001",
--          driver = "sip", headers = { ... } }

function on_call(call)
  log("call from " .. call.caller .. " to " .. call.callee)
  local ok, reason = dial(call.callee, { timeout = 30 })
  if not ok and reason ~= "hangup" then
    log("dial to " .. call.callee .. " failed: " .. reason)
    -- Voicemail comes with the media issue; until then refuse with the matching cause.
    local causes = { user_busy = 17, no_answer = 19, no_route = 1 }
    hangup(causes[reason] or 41)
  end
end

function on_finish(call, reason)
  if reason ~= "completed" and reason ~= "hangup" then
    log("call " .. call.id .. " ended: " .. reason, "warn")
  end
end
