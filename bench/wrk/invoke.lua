-- scripts/bench --lambda: Lambda Invoke (restJson1, RequestResponse) of an echo
-- function whose handler returns its event. BENCH_FUNCTION names the function (created
-- by bench/run.py); the event is {"bench":"<BENCH_MSG_SIZE letters>"}.
-- Every 2xx answer is checked: a function error (X-Amz-Function-Error) or a payload
-- without the event's text is counted, and bench/run.py reports them as errors.
BENCH_NO_QUEUE = true -- tells common.lua that no BENCH_QUEUE_URL is needed
package.path = (os.getenv("BENCH_LUA_DIR") or ".") .. "/?.lua;" .. package.path
local C = require("common")

local fn = os.getenv("BENCH_FUNCTION")
if not fn or fn == "" then
  error("BENCH_FUNCTION is not set")
end

local text = C.message_body()

wrk.method = "POST"
wrk.path = "/2015-03-31/functions/" .. fn .. "/invocations"
wrk.headers = {
  ["Content-Type"] = "application/json",
  ["X-Amz-Date"] = C.amz_date,
  ["Authorization"] = C.authorization_for("lambda"),
}
wrk.body = '{"bench":' .. C.json_string(text) .. '}'

-- per-thread counters (globals so done() can read them with thread:get)
function_errors, wrong_payload = 0, 0
C.counters = { "function_errors", "wrong_payload" }

function response(status, headers, body)
  if status < 200 or status > 299 then
    return
  end
  for name, _ in pairs(headers) do
    if string.lower(name) == "x-amz-function-error" then
      function_errors = function_errors + 1
      return
    end
  end
  if not string.find(body or "", text, 1, true) then
    wrong_payload = wrong_payload + 1
  end
end

C.install_reporting()
