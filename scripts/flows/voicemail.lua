-- Voicemail: callers leave messages for users: kept in the user's mailbox (users with a PIN)
-- and mailed (users with an email). Users reach their mailbox through a service number, open it
-- with their PIN, and hear, keep, delete and forward messages, record greetings and change the
-- PIN.
--
--   local voicemail = require("flows.voicemail")
--   voicemail.leave_message(call, user, reason)   -- reason: user_busy, no_answer, ...
--   voicemail.menu(call)                          -- the service number's flow: the caller's own
--                                                 -- mailbox (star at the PIN for another one)
--
-- Keys are read with collect(); keys pressed while a prompt is spoken count (type-ahead).

local M = {}

local function speech(user)
  return { language = user and user.language ~= "" and user.language or nil }
end

-- "1 0 0 2": digits spoken one by one.
local function spell(number)
  return (number:gsub(".", "%0 "))
end

local function spoken_name(user)
  return user.name ~= "" and user.name or ("extension " .. spell(user.extension))
end

-- One key, or nil when the caller pressed nothing (or hung up).
local function key(seconds)
  return collect{ max_digits = 1, terminator = "", first_timeout = seconds or 8 }
end

-- Digits ended by #, or nil.
local function digits(seconds)
  return collect{ max_digits = 12, terminator = "#", first_timeout = seconds or 10, inter_timeout = 5 }
end

-- ---- leaving a message ---------------------------------------------------------------------

-- The user's recorded greeting for `reason`; else their recorded name and a spoken sentence;
-- else all spoken. False when the caller hung up.
local function greet(user, reason, options)
  local kind = reason == "user_busy" and "busy" or "unavailable"
  local rest = kind == "busy" and "is on another call." or "is not available."
  local greeting = voicemail.greeting(user.extension, kind)
  if greeting then
    log("greeting of " .. user.extension .. ": recorded " .. kind)
    return play(greeting)
  end
  local name = voicemail.greeting(user.extension, "name")
  if name then
    return play(name) and say(rest, options)
  end
  return say(spoken_name(user) .. " " .. rest, options)
end

function M.leave_message(call, user, reason)
  local options = speech(user)
  if not greet(user, reason, options) then return end
  if not say("Please leave a message. Press the hash key when you are done, or star to start again.", options) then
    return -- hung up during the greeting: nothing to keep
  end
  local file = "voicemail-" .. call.id .. ".wav"
  local ms, stop
  for _ = 1, 3 do
    -- Ends on #, after 2 minutes, or after 5 s of silence (which is cut off).
    ms, stop = record(file, { max_seconds = 120, silence_seconds = 5, stop_digits = "#*" })
    if stop ~= "*" then break end
    say("Please speak again.", options)
  end
  -- A caller who hangs up ends the recording; the file is written all the same and kept.
  if not ms then ms = 0 end
  local stored = false
  local why
  if user.mailbox then -- kept to be heard by phone (a user without a PIN could never clear the lamp)
    local id
    id, why = voicemail.deposit(user.extension, file, ms)
    if id then
      stored = true
      log("voicemail " .. id .. " left in mailbox " .. user.extension)
    else
      log("voicemail for " .. user.extension .. " not left in the mailbox: " .. why, "warn")
    end
  end
  if user.email ~= "" then
    local mail, problem = save_message{ to = user.extension, file = file, kind = "voice",
                                        headers = { Duration = tostring(ms // 1000), Reason = reason } }
    if mail then
      stored = true
      log("voicemail " .. mail .. " spooled for " .. user.email)
    else
      log("voicemail for " .. user.extension .. " not spooled: " .. problem, "error")
    end
  end
  -- Said only now: the mailbox or the spool has it on disk. Both keep copies of their own; the
  -- recording stays only when neither took it (for an operator to find).
  if stored then
    recordings.remove(file)
    say("Your message has been saved. Goodbye.", options)
  elseif why and why:find("mailbox full", 1, true) then
    say("Sorry, the mailbox is full. Your message could not be saved.", options)
  else
    say("Sorry, your message could not be saved.", options)
  end
end

-- ---- the mailbox menu ----------------------------------------------------------------------

local function listen(box, options)
  local messages = voicemail.messages(box)
  if #messages == 0 then
    say("You have no messages.", options)
    return
  end
  local i = 1
  while i <= #messages do
    local m = messages[i]
    local from = m.caller_name ~= "" and m.caller_name or spell(m.caller)
    say(string.format("%s message %d, from %s, %s.", m.folder == "new" and "New" or "Saved", i, from,
                      os.date("%A, %H:%M", m.time)), options)
    if not play(m.file) then return end
    if m.folder == "new" then -- heard: it is kept, and the phone's lamp goes out with the last one
      voicemail.set_folder(box, m.id, "saved")
      m.folder = "saved"
    end
    say("Press 1 to hear it again, 7 to delete it, 8 to forward it, 9 for the next message, or star for the menu.",
        options)
    local k = key()
    if k == "7" then
      voicemail.delete(box, m.id)
      say("Deleted.", options)
      i = i + 1
    elseif k == "8" then
      say("Enter the mailbox number, then press hash.", options)
      local to = digits()
      local copy = to and voicemail.forward(box, m.id, to)
      say(copy and "Forwarded." or "That mailbox does not exist.", options)
    elseif k == "9" or k == "#" then
      i = i + 1
    elseif k ~= "1" then
      return -- star, nothing pressed, or hung up
    end
  end
  say("No more messages.", options)
end

local GREETINGS = { ["1"] = "unavailable", ["2"] = "busy", ["3"] = "name" }

local function record_greeting(box, options)
  say("Press 1 to record your unavailable greeting, 2 your busy greeting, 3 your name. "
      .. "Press 4, 5 or 6 to delete one of them.", options)
  local k = key()
  if not k then return end
  local delete = k == "4" or k == "5" or k == "6"
  local kind = GREETINGS[delete and tostring(tonumber(k) - 3) or k]
  if not kind then return end
  if delete then
    voicemail.set_greeting(box, kind)
    say("Deleted. Callers hear the standard greeting.", options)
    return
  end
  say("Speak now, then press hash.", options)
  local file = "greeting-" .. box .. "-" .. kind .. ".wav"
  local ms = record(file, { max_seconds = 60, silence_seconds = 4, stop_digits = "#" })
  if not ms or ms < 500 then
    say("Nothing was recorded.", options)
    return
  end
  local ok, why = voicemail.set_greeting(box, kind, file)
  recordings.remove(file)
  if ok then
    say("Your greeting has been saved.", options)
  else
    log("greeting for " .. box .. " not saved: " .. why, "error")
    say("Sorry, your greeting could not be saved.", options)
  end
end

local function change_pin(box, options)
  say("Enter your new PIN, 4 to 12 digits, then press hash.", options)
  local first = digits()
  if not first then return end
  say("Enter it again, then press hash.", options)
  local second = digits()
  if first ~= second then
    say("The two PINs differ. Your PIN is unchanged.", options)
    return
  end
  local ok, why = voicemail.set_pin(box, first)
  say(ok and "Your PIN has been changed." or "A PIN is 4 to 12 digits. Your PIN is unchanged.", options)
  if not ok then log("PIN of " .. box .. " unchanged: " .. why) end
end

-- PIN entry; true once the mailbox is open, "other" when a caller at their own mailbox asks
-- for another (star). Throttled by the core: after a few wrong PINs the mailbox refuses every
-- PIN for a while, whatever call they come from.
local function login(box, options, own)
  for _ = 1, 3 do
    say(own and "Please enter your PIN, then press hash. For another mailbox, press star, then hash."
            or "Please enter your PIN, then press hash.", options)
    local pin = digits()
    if not pin then return false end
    if own and pin == "*" then return "other" end
    local ok, why = voicemail.login(box, pin)
    if ok then return true end
    log("mailbox " .. box .. ": " .. why, "warn")
    if why:find("locked", 1, true) then
      say("Too many wrong PINs. Please try again later.", options)
      return false
    end
    say("That PIN is wrong.", options) -- an unknown mailbox sounds the same
  end
  return false
end

local function ask_mailbox(options)
  say("Please enter the mailbox number, then press hash.", options)
  return digits()
end

function M.menu(call)
  -- No answer(): the first prompt answers the call with the server's media.
  local user = directory.lookup(call.caller)
  local options = speech(user)
  local box = user and call.caller or ask_mailbox(options)
  if not box then return hangup() end
  local opened = login(box, options, user ~= nil)
  if opened == "other" then
    box = ask_mailbox(options)
    opened = box and login(box, options, false)
  end
  if opened ~= true then
    say("Goodbye.", options)
    return hangup()
  end
  log("mailbox " .. box .. " opened by " .. call.caller)
  while true do
    local new, saved = voicemail.counts(box)
    say(string.format("You have %d new and %d saved messages. Press 1 to listen, 3 for your greetings, "
                      .. "4 to change your PIN, or star to end.", new, saved), options)
    local k = key(10)
    if k == "1" then
      listen(box, options)
    elseif k == "3" then
      record_greeting(box, options)
    elseif k == "4" then
      change_pin(box, options)
    else
      break
    end
  end
  say("Goodbye.", options)
  hangup()
end

return M
