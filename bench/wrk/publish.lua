-- Workloads 4 and 5: SNS Publish over awsQuery to a topic with SQS subscribers.
-- BENCH_TOPIC_ARN names the topic (set up by bench/run.py).
package.path = (os.getenv("BENCH_LUA_DIR") or ".") .. "/?.lua;" .. package.path
local C = require("common")

local topic_arn = os.getenv("BENCH_TOPIC_ARN")
if not topic_arn or topic_arn == "" then
  error("BENCH_TOPIC_ARN is not set")
end

wrk.method = "POST"
wrk.path = "/"
wrk.headers = C.query_headers("sns")
wrk.body = "Action=Publish&Version=2010-03-31"
  .. "&TopicArn=" .. C.urlencode(topic_arn)
  .. "&Message=" .. C.urlencode(C.message_body())

C.install_reporting()
