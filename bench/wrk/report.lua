-- Shared by every page's load: print what wrk measured as one JSON line, for bench/budgets.py.
-- Latencies are in microseconds; a non-2xx/3xx answer counts as an error (wrk's errors.status).
function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50": %d, "p95": %d, "p99": %d, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), errors))
end

-- People read and type between requests: with QAPORTAL_WRK_THINK_MS set, each connection waits a
-- random 0 to twice that many milliseconds before its next request (an average of the setting).
local think = tonumber(os.getenv("QAPORTAL_WRK_THINK_MS") or "0")
if think > 0 then
  function delay()
    return math.random(0, 2 * think)
  end
end
