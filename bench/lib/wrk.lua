-- The requests of one wrk run, from a file that bench/lib/wrk.ts writes: one a line,
-- METHOD <tab> PATH <tab> BODY (BODY may be empty); the headers come from wrk's -H.
-- Arguments: the file, then "cycle" (start again after the last line) or "once" (each line at
-- most once: deactivations of distinct users). Once the lines are spent, "once" sends a request
-- that answers 404, so that running out shows as errors rather than as repeated users.
-- One thread (-t1): setup() keeps it, so that done() can report how many requests it sent.
local thread_of_run

function setup(thread)
  thread_of_run = thread
end

function init(args)
  once = args[2] == "once"
  requests = {}
  for line in io.lines(args[1]) do
    local method, path, body = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    requests[#requests + 1] = wrk.format(method, path, nil, body ~= "" and body or nil)
  end
  spent = wrk.format("GET", "/api/bench/out-of-requests", nil, nil)
  sent = 0
end

-- wrk calls request() once before the run to check it, and never sends that one: a "once" run
-- skips its first line, which wastes a user but never repeats one.
function request()
  sent = sent + 1
  if sent <= #requests then
    return requests[sent]
  end
  if once then
    return spent
  end
  return requests[(sent - 1) % #requests + 1]
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"durationUs":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50Us":%.0f,"p99Us":%.0f,"sent":%d}\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), thread_of_run:get("sent")))
end
