-- Shared by the wrk scripts of scripts/bench: request headers, message body,
-- per-thread counters and a done() that prints one machine-readable line:
--   BENCH_RESULT {"requests":...,"p50_ms":...,...}
-- Configuration comes from the environment (set by bench/run.py):
--   BENCH_QUEUE_URL  queue URL the target returned from CreateQueue (required unless
--                    the script sets the global BENCH_NO_QUEUE before requiring this)
--   BENCH_MSG_SIZE   MessageBody length in bytes (default 100)
local C = {}

C.queue_url = os.getenv("BENCH_QUEUE_URL")
if not BENCH_NO_QUEUE and (not C.queue_url or C.queue_url == "") then
  error("BENCH_QUEUE_URL is not set")
end

C.msg_size = tonumber(os.getenv("BENCH_MSG_SIZE") or "100") or 100

-- A plausible SigV4 header (servers run without signature checking by default).
-- The credential scope names the service, as AWS SDKs sign it.
function C.authorization_for(service)
  return "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261127/us-east-1/" .. service .. "/aws4_request, "
    .. "SignedHeaders=host;x-amz-date, "
    .. "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
end
C.authorization = C.authorization_for("sqs")
C.amz_date = "20261127T120000Z"

-- Letters and digits only: needs no escaping in JSON nor in a form body.
local alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
function C.message_body()
  local reps = math.floor(C.msg_size / #alphabet) + 1
  return string.sub(string.rep(alphabet, reps), 1, C.msg_size)
end

function C.json_headers(operation)
  return {
    ["Content-Type"] = "application/x-amz-json-1.0",
    ["X-Amz-Target"] = "AmazonSQS." .. operation,
    ["X-Amz-Date"] = C.amz_date,
    ["Authorization"] = C.authorization,
  }
end

function C.query_headers(service)
  return {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["X-Amz-Date"] = C.amz_date,
    ["Authorization"] = C.authorization_for(service or "sqs"),
  }
end

function C.json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(ch)
    if ch == '"' then return '\\"' end
    if ch == "\\" then return "\\\\" end
    return string.format("\\u%04x", string.byte(ch))
  end) .. '"'
end

function C.urlencode(s)
  return (s:gsub("[^%w%-%._~]", function(ch)
    return string.format("%%%02X", string.byte(ch))
  end))
end

-- ---- reporting -------------------------------------------------------------
-- Scripts may keep numeric globals in each thread (listed in C.counters); done()
-- sums them over threads and adds them to the result line. Each thread also gets
-- the global thread_id (1, 2, ...) before its init() runs.
C.counters = {}
local threads = {}

function C.install_reporting(extra)
  function setup(thread)
    table.insert(threads, thread)
    thread:set("thread_id", #threads)
  end

  function done(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local e = summary.errors
    local r = {
      duration_s = seconds,
      requests = summary.requests,
      bytes = summary.bytes,
      non2xx = e.status,
      connect_errors = e.connect,
      read_errors = e.read,
      write_errors = e.write,
      timeouts = e.timeout,
      rps = summary.requests / seconds,
      ok_rps = (summary.requests - e.status) / seconds,
      p50_ms = latency:percentile(50) / 1000,
      p90_ms = latency:percentile(90) / 1000,
      p99_ms = latency:percentile(99) / 1000,
      p999_ms = latency:percentile(99.9) / 1000,
      mean_ms = latency.mean / 1000,
      max_ms = latency.max / 1000,
    }
    for _, name in ipairs(C.counters) do
      local sum = 0
      for _, t in ipairs(threads) do sum = sum + (tonumber(t:get(name)) or 0) end
      r[name] = sum
    end
    if extra then extra(r, seconds) end
    local keys = {}
    for k in pairs(r) do table.insert(keys, k) end
    table.sort(keys)
    local parts = {}
    for _, k in ipairs(keys) do
      local v = r[k]
      if v ~= v or v == math.huge or v == -math.huge then v = "null" end -- NaN/inf
      table.insert(parts, C.json_string(k) .. ":" .. tostring(v))
    end
    io.write("BENCH_RESULT {" .. table.concat(parts, ",") .. "}\n")
  end
end

return C
