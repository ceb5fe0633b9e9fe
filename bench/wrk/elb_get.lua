-- scripts/bench --elb: GET / with keep-alive (wrk's default), straight at the target
-- or through a Stratus ELBv2 listener. One static request, no Lua per request.
BENCH_NO_QUEUE = true -- tells common.lua that no BENCH_QUEUE_URL is needed
package.path = (os.getenv("BENCH_LUA_DIR") or ".") .. "/?.lua;" .. package.path
local C = require("common")

wrk.method = "GET"
wrk.path = "/"

C.install_reporting()
