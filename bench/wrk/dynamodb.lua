-- scripts/bench --dynamodb: GetItem, Query (Limit 10) or PutItem over awsJson1.0
-- (X-Amz-Target DynamoDB_20120810.<Operation>), a new random key every request.
-- bench/run.py created the table (pk S, sk N) and loaded BENCH_DDB_PARTITIONS
-- partitions "p0".."p<P-1>" of BENCH_DDB_ITEMS items each, sk 0..N-1, each with a
-- "data" string of BENCH_DDB_DATA_BYTES letters (items of about 1 KB).
--   BENCH_DDB_OP     get | query | put
--   BENCH_DDB_TABLE  the table's name
--   get:   a loaded item, random partition and sort key
--   query: "pk = :pk AND sk >= :sk", Limit 10, from a random sort key at least 10
--          below the end of a random partition (so 10 items are always there)
--   put:   a new item in a random partition: sk = N + thread_id * 1e8 + a counter
--          from BENCH_DDB_FIRST_PUT (default 0; under 1e8) on (never one of the
--          loaded items, never one another thread writes; bench/run.py starts the
--          measured run past what its warm-up wrote)
-- Every 2xx GetItem and Query answer is checked: a GetItem without "Item", or a Query
-- whose Count is not 10, is counted in `wrong` (bench/run.py reports it with the errors
-- and leaves it out of the rate), so a target that answers fast but wrong cannot look
-- fast. A PutItem answer has nothing to check past its status, which wrk counts itself;
-- handing each to Lua cost the client about 2 us a request, on the cores the target
-- shares with it.
BENCH_NO_QUEUE = true -- tells common.lua that no BENCH_QUEUE_URL is needed
package.path = (os.getenv("BENCH_LUA_DIR") or ".") .. "/?.lua;" .. package.path
local C = require("common")

local function env_number(name)
  local v = tonumber(os.getenv(name) or "")
  if not v then error(name .. " is not set") end
  return v
end

local op = os.getenv("BENCH_DDB_OP")
local operations = { get = "GetItem", query = "Query", put = "PutItem" }
if not operations[op] then
  error("BENCH_DDB_OP must be get, query or put")
end
local table_json = C.json_string(os.getenv("BENCH_DDB_TABLE") or "")
local partitions = env_number("BENCH_DDB_PARTITIONS")
local items = env_number("BENCH_DDB_ITEMS")
C.msg_size = env_number("BENCH_DDB_DATA_BYTES")
local data_json = C.json_string(C.message_body())

local headers = {
  ["Content-Type"] = "application/x-amz-json-1.0",
  ["X-Amz-Target"] = "DynamoDB_20120810." .. operations[op],
  ["X-Amz-Date"] = C.amz_date,
  ["Authorization"] = C.authorization_for("dynamodb"),
}

-- per-thread counters (globals so done() can read them with thread:get)
wrong = 0
C.counters = { "wrong" }
local written = tonumber(os.getenv("BENCH_DDB_FIRST_PUT") or "0")

function init(args)
  math.randomseed(thread_id or 1)
end

-- {"pk":{"S":"p12"},"sk":{"N":"34"}}, as a Key or the start of an Item
local function key(partition, sort_key)
  return '{"pk":{"S":"p' .. partition .. '"},"sk":{"N":"' .. string.format("%d", sort_key) .. '"}'
end

local make_body = ({
  get = function()
    local p, s = math.random(0, partitions - 1), math.random(0, items - 1)
    return '{"TableName":' .. table_json .. ',"Key":' .. key(p, s) .. '}}'
  end,
  query = function()
    local p, s = math.random(0, partitions - 1), math.random(0, items - 10)
    return '{"TableName":' .. table_json
      .. ',"KeyConditionExpression":"pk = :pk AND sk >= :sk"'
      .. ',"ExpressionAttributeValues":{":pk":{"S":"p' .. p .. '"},":sk":{"N":"' .. s .. '"}}'
      .. ',"Limit":10}'
  end,
  put = function()
    written = written + 1
    local p = math.random(0, partitions - 1)
    return '{"TableName":' .. table_json .. ',"Item":'
      .. key(p, items + thread_id * 1e8 + written) .. ',"data":{"S":' .. data_json .. '}}}'
  end,
})[op]

-- The request line and headers are the same every time, so they are made once:
-- wrk.format builds them anew each call (a table and a string.format a header), which
-- cost the client about 1.5 us of CPU a request on the cores it shares with the target.
local head
function request()
  head = head or string.gsub(wrk.format("POST", "/", headers), "\r\n$", "")
  local body = make_body()
  return head .. "Content-Length: " .. #body .. "\r\n\r\n" .. body
end

local function check(status, _, answer)
  if status < 200 or status > 299 then
    return
  end
  answer = answer or ""
  if op == "get" then
    if not string.find(answer, '"Item"', 1, true) then wrong = wrong + 1 end
  elseif op == "query" then
    local at = string.find(answer, '"Count"', 1, true) -- plain find: the answer is ~10 KB
    if not at or tonumber(string.match(answer, '^"Count"%s*:%s*(%d+)', at)) ~= 10 then
      wrong = wrong + 1
    end
  end
end

-- wrk hands answers to Lua only when `response` is defined.
if op ~= "put" then response = check end
C.install_reporting()
