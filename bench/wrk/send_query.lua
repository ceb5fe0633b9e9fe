-- Workload 2: SendMessage over awsQuery (form body in, XML out).
package.path = (os.getenv("BENCH_LUA_DIR") or ".") .. "/?.lua;" .. package.path
local C = require("common")

wrk.method = "POST"
wrk.path = "/"
wrk.headers = C.query_headers()
wrk.body = "Action=SendMessage&Version=2012-11-05"
  .. "&QueueUrl=" .. C.urlencode(C.queue_url)
  .. "&MessageBody=" .. C.urlencode(C.message_body())

C.install_reporting()
