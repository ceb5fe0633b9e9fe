-- Workload 3: send -> receive -> delete over awsJson1.0, counted in completed cycles.
--
-- wrk gives a script no connection identity: request() runs when a connection
-- becomes writable, response() when one of them finished reading, interleaved
-- across the thread's connections. So each thread keeps one FIFO of follow-up
-- actions: a successful SendMessage queues a ReceiveMessage, a ReceiveMessage
-- that returned a message queues a DeleteMessage with its ReceiptHandle, and
-- request() takes the oldest queued action (or starts a new cycle with a send).
-- Every connection still does exactly one request at a time, and every message
-- sent is received and deleted. A receive is only sent after its send was
-- answered and each receive takes at most one message, so receives find a
-- message (each queue is fresh for this workload).
-- Responses are told apart by their body: SendMessage has MD5OfMessageBody,
-- a non-empty ReceiveMessage has ReceiptHandle; an empty 2xx answer is a
-- DeleteMessage if one is outstanding, else an empty receive.
package.path = (os.getenv("BENCH_LUA_DIR") or ".") .. "/?.lua;" .. package.path
local C = require("common")

wrk.method = "POST"
wrk.path = "/"

-- per-thread counters (globals so done() can read them with thread:get)
sends_ok, recv_hits, recv_empty, deletes_ok, failed = 0, 0, 0, 0, 0
C.counters = { "sends_ok", "recv_hits", "recv_empty", "deletes_ok", "failed" }

local RECV = true
local fifo, head, tail = {}, 1, 0
local out_del = 0
local send_req, recv_req, del_headers, url_json

function init(args)
  url_json = C.json_string(C.queue_url)
  send_req = wrk.format("POST", "/", C.json_headers("SendMessage"),
    '{"QueueUrl":' .. url_json .. ',"MessageBody":' .. C.json_string(C.message_body()) .. '}')
  recv_req = wrk.format("POST", "/", C.json_headers("ReceiveMessage"),
    '{"QueueUrl":' .. url_json .. ',"MaxNumberOfMessages":1,"WaitTimeSeconds":0}')
  del_headers = C.json_headers("DeleteMessage")
end

local function push(action)
  tail = tail + 1
  fifo[tail] = action
end

function request()
  if head <= tail then
    local action = fifo[head]
    fifo[head] = nil
    head = head + 1
    if action == RECV then
      return recv_req
    end
    out_del = out_del + 1
    return wrk.format("POST", "/", del_headers,
      '{"QueueUrl":' .. url_json .. ',"ReceiptHandle":' .. C.json_string(action) .. '}')
  end
  return send_req
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    failed = failed + 1
    if out_del > 0 then out_del = out_del - 1 end
    return
  end
  body = body or ""
  local handle = string.match(body, '"ReceiptHandle"%s*:%s*"(.-)"')
  if handle then
    recv_hits = recv_hits + 1
    push((handle:gsub("\\/", "/")))
  elseif string.find(body, "MD5OfMessageBody", 1, true) then
    sends_ok = sends_ok + 1
    push(RECV)
  elseif out_del > 0 then
    out_del = out_del - 1
    deletes_ok = deletes_ok + 1
  else
    recv_empty = recv_empty + 1
  end
end

C.install_reporting(function(r, seconds)
  r.cycles = r.deletes_ok
  r.cycles_per_s = r.deletes_ok / seconds
end)
