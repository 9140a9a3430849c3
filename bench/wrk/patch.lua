-- wrk script: PATCH /products-batch/update/ with signed requests (SPEC §2).
--
-- Environment (set by bench/run):
--   BENCH_PATH       request path (default /products-batch/update/)
--   BENCH_BATCH      products per request (default 1)
--   BENCH_PRODUCTS   product ids are P0000000 .. P<N-1>, picked at random (default 100000)
--   BENCH_PUBLIC_ID, BENCH_USER, BENCH_SECRET
--                    API-user HMAC: authorization = {"public_id","ts","sig_field","sig"} with
--                    sig = base64(HMAC-SHA256(secret, user .. "|" .. ts)), og-authorization: True
--   BENCH_API_KEY    when set, sends x-api-key instead of the HMAC headers
--   BENCH_WRITE      what each element writes: "live" (default: live true or false at random),
--                    "adjust" (inventory_adjust +1 or -1 at random; the products need a
--                    tracked inventory far from 0), "keyed" (as "live", each request with an
--                    Idempotency-Key of its own)
--
-- Every request carries a signature for the current second: the HMAC is computed in Lua
-- (below) whenever the second changes, so wrk's client CPU stays on HTTP rather than
-- SHA-256 while every request is still signed as a real client would sign it.
-- done() prints one JSON line prefixed with "BENCH_RESULT " for bench/run to parse.

local bit = require("bit")
local band, bor, bxor, bnot = bit.band, bit.bor, bit.bxor, bit.bnot
local rshift, lshift, ror, tobit = bit.rshift, bit.lshift, bit.ror, bit.tobit

-- SHA-256 (FIPS 180-4) on LuaJIT's 32-bit bit operations.
local K = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
}

local function sha256(msg)
  local len = #msg
  local bits = len * 8
  msg = msg .. "\128" .. string.rep("\0", (55 - len) % 64)
  -- 64-bit big-endian length (messages here are far below 2^32 bits).
  msg = msg .. "\0\0\0\0" .. string.char(
    band(rshift(bits, 24), 255), band(rshift(bits, 16), 255),
    band(rshift(bits, 8), 255), band(bits, 255))
  local h0, h1, h2, h3 = 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a
  local h4, h5, h6, h7 = 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
  local w = {}
  for chunk = 1, #msg, 64 do
    for i = 0, 15 do
      local a, b, c, d = msg:byte(chunk + i * 4, chunk + i * 4 + 3)
      w[i] = bor(lshift(a, 24), lshift(b, 16), lshift(c, 8), d)
    end
    for i = 16, 63 do
      local s0 = bxor(ror(w[i - 15], 7), ror(w[i - 15], 18), rshift(w[i - 15], 3))
      local s1 = bxor(ror(w[i - 2], 17), ror(w[i - 2], 19), rshift(w[i - 2], 10))
      w[i] = tobit(w[i - 16] + s0 + w[i - 7] + s1)
    end
    local a, b, c, d, e, f, g, h = h0, h1, h2, h3, h4, h5, h6, h7
    for i = 0, 63 do
      local S1 = bxor(ror(e, 6), ror(e, 11), ror(e, 25))
      local ch = bxor(band(e, f), band(bnot(e), g))
      local t1 = tobit(h + S1 + ch + K[i + 1] + w[i])
      local S0 = bxor(ror(a, 2), ror(a, 13), ror(a, 22))
      local maj = bxor(band(a, b), band(a, c), band(b, c))
      local t2 = tobit(S0 + maj)
      h, g, f, e, d, c, b, a = g, f, e, tobit(d + t1), c, b, a, tobit(t1 + t2)
    end
    h0, h1, h2, h3 = tobit(h0 + a), tobit(h1 + b), tobit(h2 + c), tobit(h3 + d)
    h4, h5, h6, h7 = tobit(h4 + e), tobit(h5 + f), tobit(h6 + g), tobit(h7 + h)
  end
  local out = {}
  for _, v in ipairs({h0, h1, h2, h3, h4, h5, h6, h7}) do
    out[#out + 1] = string.char(band(rshift(v, 24), 255), band(rshift(v, 16), 255),
                                band(rshift(v, 8), 255), band(v, 255))
  end
  return table.concat(out)
end

local function hmac_sha256(key, msg)
  if #key > 64 then key = sha256(key) end
  key = key .. string.rep("\0", 64 - #key)
  local ipad, opad = {}, {}
  for i = 1, 64 do
    local k = key:byte(i)
    ipad[i] = string.char(bxor(k, 0x36))
    opad[i] = string.char(bxor(k, 0x5c))
  end
  return sha256(table.concat(opad) .. sha256(table.concat(ipad) .. msg))
end

local B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(data)
  local out = {}
  for i = 1, #data, 3 do
    local a, b, c = data:byte(i, i + 2)
    local n = lshift(a, 16) + lshift(b or 0, 8) + (c or 0)
    local chars = {
      B64:sub(rshift(n, 18) + 1, rshift(n, 18) + 1),
      B64:sub(band(rshift(n, 12), 63) + 1, band(rshift(n, 12), 63) + 1),
      b and B64:sub(band(rshift(n, 6), 63) + 1, band(rshift(n, 6), 63) + 1) or "=",
      c and B64:sub(band(n, 63) + 1, band(n, 63) + 1) or "=",
    }
    out[#out + 1] = table.concat(chars)
  end
  return table.concat(out)
end

local path = os.getenv("BENCH_PATH") or "/products-batch/update/"
local batch = tonumber(os.getenv("BENCH_BATCH") or "1")
local products = tonumber(os.getenv("BENCH_PRODUCTS") or "100000")
local public_id = os.getenv("BENCH_PUBLIC_ID") or "bench"
local user = os.getenv("BENCH_USER") or "bench"
local secret = os.getenv("BENCH_SECRET") or ""
local api_key = os.getenv("BENCH_API_KEY")
local write = os.getenv("BENCH_WRITE") or "live"
assert(write == "live" or write == "adjust" or write == "keyed", "BENCH_WRITE: " .. write)

-- Self-check against a known vector (RFC 4231 test case 2) before sending anything.
assert(base64(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
       "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=", "HMAC-SHA256 self-check failed")

local signed_ts, authorization = nil, nil
local function auth_headers(headers)
  if api_key and api_key ~= "" then
    headers["x-api-key"] = api_key
    return
  end
  local ts = os.time()
  if ts ~= signed_ts then
    local sig = base64(hmac_sha256(secret, user .. "|" .. ts))
    authorization = string.format(
      '{"public_id":"%s","ts":%d,"sig_field":"%s","sig":"%s"}', public_id, ts, user, sig)
    signed_ts = ts
  end
  headers["authorization"] = authorization
  headers["og-authorization"] = "True"
end

local parts = {}
local function body()
  for i = 1, batch do
    if write == "adjust" then
      parts[i] = string.format('{"product_id":"P%07d","inventory_adjust":%d}',
                               math.random(0, products - 1), math.random(0, 1) == 1 and 1 or -1)
    else
      parts[i] = string.format('{"product_id":"P%07d","live":%s}', math.random(0, products - 1),
                               math.random(0, 1) == 1 and "true" or "false")
    end
  end
  return "[" .. table.concat(parts, ",", 1, batch) .. "]"
end

-- Per-thread tallies; done() sums them over threads.
local threads = {}
function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 100000)
  bad_status, element_errors, answered = 0, 0, 0
  -- Idempotency keys unique across threads and runs: a random prefix and a counter.
  key_prefix, key_count = string.format("%08x%08x-", math.random(0, 0x7fffffff), os.time()), 0
end

function request()
  local headers = {["content-type"] = "application/json"}
  auth_headers(headers)
  if write == "keyed" then
    key_count = key_count + 1
    headers["Idempotency-Key"] = key_prefix .. key_count
  end
  return wrk.format("PATCH", path, headers, body())
end

function response(status, headers, resp_body)
  answered = answered + 1
  if status ~= 207 then
    bad_status = bad_status + 1
  elseif resp_body:find('"status":4', 1, true) then
    element_errors = element_errors + 1
  end
end

function done(summary, latency, requests)
  local bad, elem, n = 0, 0, 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("bad_status") or 0)
    elem = elem + (t:get("element_errors") or 0)
    n = n + (t:get("answered") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,' ..
    '"p99_us":%d,"max_us":%d,"non_207":%d,"element_errors":%d,"answered":%d,' ..
    '"socket_errors":%d,"timeouts":%d,"batch":%d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, bad, elem, n,
    e.connect + e.read + e.write, e.timeout, batch))
end
