-- wrk script: POST one fixed body to a path, as restock's hand-off POSTs an order document
-- (docs/handoff.md); bench/run's hand-off step runs it against nginx, the HTTP ceiling.
--
-- Environment (set by bench/run):
--   BENCH_PATH        request path
--   BENCH_BODY_BYTES  size of the body: an XML document padded to exactly this many bytes
--
-- done() prints one JSON line prefixed with "BENCH_RESULT " for bench/run to parse.

local threads = {}
local path = os.getenv("BENCH_PATH") or "/"
local size = tonumber(os.getenv("BENCH_BODY_BYTES") or "1000")

local function document()
  local head = '<?xml version="1.0" encoding="UTF-8"?>\n<order><head><orderOgId><![CDATA['
  local tail = ']]></orderOgId></head></order>\n'
  return head .. string.rep("x", math.max(0, size - #head - #tail)) .. tail
end

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  bad_status, answered = 0, 0
  req = wrk.format("POST", path, {["content-type"] = "application/xml"}, document())
end

function request()
  return req
end

function response(status, headers, resp_body)
  answered = answered + 1
  if status ~= 200 then bad_status = bad_status + 1 end
end

function done(summary, latency, requests)
  local bad, n = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("bad_status") or 0)
    n = n + (t:get("answered") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p99_us":%d,' ..
    '"non_200":%d,"answered":%d,"socket_errors":%d,"timeouts":%d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(99), bad, n, e.connect + e.read + e.write, e.timeout))
end
