-- wrk script for benchmarks/web.py: rotate through a file of request paths.
--
-- Usage: wrk -t T -c C -d 10s -s benchmarks/web_rotate.lua http://127.0.0.1:PORT -- PATHS T
-- PATHS holds one path per line. Thread k of T takes every T-th path starting at k, so
-- no two requests in a run ask for the same URL until the list is used up (then it
-- wraps). At the end one JSON line gives the counts and latency percentiles (in us).

local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
end

function init(args)
  local all = {}
  for line in io.lines(args[1]) do
    if #line > 0 then all[#all + 1] = line end
  end
  local threads = tonumber(args[2]) or 1
  paths = {}
  for i = id, #all, threads do paths[#paths + 1] = all[i] end
  if #paths == 0 then paths = all end
  position = 0
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
      .. '"max_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
