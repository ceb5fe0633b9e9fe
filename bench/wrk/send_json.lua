-- Workload 1: SendMessage over awsJson1.0 (one static request, no Lua per request).
package.path = (os.getenv("BENCH_LUA_DIR") or ".") .. "/?.lua;" .. package.path
local C = require("common")

wrk.method = "POST"
wrk.path = "/"
wrk.headers = C.json_headers("SendMessage")
wrk.body = '{"QueueUrl":' .. C.json_string(C.queue_url)
  .. ',"MessageBody":' .. C.json_string(C.message_body()) .. '}'

C.install_reporting()
