-- The default call flow. on_call(call) runs as a coroutine for every inbound call; verbs such
-- as answer, dial and sleep suspend it until they complete. on_finish(call, reason) always
-- runs afterwards, with reason "completed", "hangup", "error" or "budget".
--
-- call = { id = "c-7", caller = "1002", caller_name = "Bob", callee = "1001",
--          driver = "sip", headers = { ... } }

function on_call(call)
  log("call from " .. call.caller .. " to " .. call.callee)
  -- Rings every phone the callee has registered at once (routing decides the targets).
  local ok, reason = dial(call.callee, { timeout = 30 })
  if not ok and reason ~= "hangup" then
    log("dial to " .. call.callee .. " failed: " .. reason)
    -- Voicemail comes with the media issue; until then refuse with the matching cause
    -- (SIP: user_busy 486, no_answer 480, subscriber_absent 480, unallocated_number 404).
    if reason == "routing_error" then reason = "temporary_failure" end
    reject(reason)
  end
end

function on_finish(call, reason)
  if reason ~= "completed" and reason ~= "hangup" then
    log("call " .. call.id .. " ended: " .. reason, "warn")
  end
end
