-- Drives one page for bench/run. Arguments after `--`:
--   1. cookies to rotate through, one per request, separated by "|" ("-" for none)
--   2. optional form body for a POST ("-" for none); each request gets its own
--      `_once` key, as a browser's fresh page would, so no request repeats another
--   3. optional file of paths, one per line, requested in turn instead of the
--      URL's (run with one thread, so no path is requested twice)
-- Prints one line of JSON at the end, which bench/run reads.

local cookies = {}
local body = nil
local paths = nil
local sent = 0
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  if args[1] and args[1] ~= "-" then
    for cookie in string.gmatch(args[1], "[^|]+") do
      table.insert(cookies, cookie)
    end
  end
  if args[2] and args[2] ~= "-" then
    body = args[2]
  end
  if args[3] then
    paths = {}
    for line in io.lines(args[3]) do
      table.insert(paths, line)
    end
  end
  math.randomseed(os.time() * 1000 + (tid or 0))
end

function request()
  sent = sent + 1
  local headers = {}
  if #cookies > 0 then
    headers["Cookie"] = cookies[(sent % #cookies) + 1]
  end
  if body then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    local once = string.format("%x%x%x", tid or 0, math.random(0, 0x7fffffff), sent)
    return wrk.format("POST", nil, headers, body .. "&_once=" .. once)
  end
  local path = nil
  if paths then
    path = paths[(sent - 1) % #paths + 1]
  end
  return wrk.format("GET", path, headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"errors":%d,"bad_status":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
