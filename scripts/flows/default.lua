-- The default call flow. on_call(call) runs as a coroutine for every inbound call; verbs such
-- as answer, dial and sleep suspend it until they complete. on_finish(call, reason) always
-- runs afterwards, with reason "completed", "hangup", "error" or "budget".
--
-- call = { id = "c-7", caller = "1002", caller_name = "Bob", callee = "1001",
--          driver = "sip", headers = { ... } }

local voicemail_app = require("flows.voicemail")

-- Users dial this to reach their mailbox (PIN, messages, greetings).
local MAILBOX_NUMBER = "*98"

-- Calls a user does not take go to the user's mailbox.
local TO_VOICEMAIL = { user_busy = true, no_answer = true, subscriber_absent = true }

function on_call(call)
  log("call from " .. call.caller .. " to " .. call.callee)
  if call.callee == MAILBOX_NUMBER then return voicemail_app.menu(call) end
  -- Rings every phone the callee has registered at once (routing decides the targets).
  local ok, reason = dial(call.callee, { timeout = 30 })
  if ok or reason == "hangup" then return end
  log("dial to " .. call.callee .. " failed: " .. reason)
  local user = directory.lookup(call.callee)
  if user and user.voicemail and TO_VOICEMAIL[reason] then
    voicemail_app.leave_message(call, user, reason)
    hangup()
    return
  end
  -- Refuse with the matching cause (SIP: user_busy 486, no_answer 480, subscriber_absent 480,
  -- unallocated_number 404).
  if reason == "routing_error" then reason = "temporary_failure" end
  reject(reason)
end

function on_finish(call, reason)
  if reason ~= "completed" and reason ~= "hangup" then
    log("call " .. call.id .. " ended: " .. reason, "warn")
  end
end
