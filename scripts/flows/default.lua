-- The default call flow. on_call(call) runs as a coroutine for every inbound call; verbs such
-- as answer, dial and sleep suspend it until they complete. on_finish(call, reason) always
-- runs afterwards, with reason "completed", "hangup", "error" or "budget".
--
-- call = { id = "c-7", caller = "1002", caller_name = "Bob", callee = "1001",
--          driver = "sip", headers = { ... } }

-- Calls a user does not take go to the user's mailbox (when the user has an email for it).
local TO_VOICEMAIL = { user_busy = true, no_answer = true, subscriber_absent = true }

local function voicemail(call, user, reason)
  local name = user.name ~= "" and user.name or ("extension " .. user.extension)
  local options = { language = user.language ~= "" and user.language or nil }
  local greeting = reason == "user_busy" and (name .. " is on another call.") or (name .. " is not available.")
  if not say(greeting .. " Please leave a message. Press the hash key when you are done, or star to start again.",
             options) then
    return  -- hung up during the greeting: nothing to keep
  end
  local file = "voicemail-" .. call.id .. ".wav"
  local ms, key
  for _ = 1, 3 do
    ms, key = record(file, { max_seconds = 120, silence_seconds = 5, stop_digits = "#*" })
    if key ~= "*" then break end
    say("Please speak again.", options)
  end
  -- A caller who hangs up ends the recording; the file is written all the same and kept.
  if not ms then ms = 0 end
  local id, why = save_message{ to = user.extension, file = file, kind = "voice",
                                headers = { Duration = tostring(ms // 1000), Reason = reason } }
  if not id then
    log("voicemail for " .. user.extension .. " not saved: " .. why, "error")
    say("Sorry, your message could not be saved.", options)
    return
  end
  log("voicemail " .. id .. " saved for " .. user.extension)
  say("Your message has been saved. Goodbye.", options)  -- only now: the spool has it on disk
end

function on_call(call)
  log("call from " .. call.caller .. " to " .. call.callee)
  -- Rings every phone the callee has registered at once (routing decides the targets).
  local ok, reason = dial(call.callee, { timeout = 30 })
  if ok or reason == "hangup" then return end
  log("dial to " .. call.callee .. " failed: " .. reason)
  local user = directory.lookup(call.callee)
  if user and user.voicemail and TO_VOICEMAIL[reason] then
    voicemail(call, user, reason)
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
