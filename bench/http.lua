-- wrk script for bench/http.sh: the request's headers from the environment, and
-- p50/p95/p99 printed on one line (wrk's own --latency has no p95).
-- With BODY=file, each request POSTs a unique complaint (the API's anonymous filing)
-- and the 201s are counted, to check afterwards that every one is a row.
local cookie = os.getenv("COOKIE")
local auth = os.getenv("AUTH")
local filing = os.getenv("BODY") == "file"
local category = os.getenv("CATEGORY") or "1"
local threads = {}
local counter = 0
created = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  if cookie and cookie ~= "" then wrk.headers["Cookie"] = cookie end
  if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
  if filing then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
  end
end

function request()
  if not filing then return wrk.format() end
  counter = counter + 1
  local id = string.format("%d-%d-%d", os.time(), math.random(1, 1000000000), counter)
  local body = string.format(
    '{"name": "Bench Filer", "email": "bench-%s@example.com", "category": %s, ' ..
    '"description": "Bench complaint %s: the parcel arrived late.", "consent": true}',
    id, category, id)
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + (thread:get("created") or 0) end
  io.write(string.format("RESULT rps=%.1f p50=%.1f p95=%.1f p99=%.1f errors=%d non2xx=%d created=%d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, total))
end
