-- Replays pre-signed webhook requests (one per line: "path<TAB>body"), split between
-- wrk's threads, each request once; reports how many went out and whether the file ran
-- out (then later requests are retries, answered from the dedup cache).
-- Usage: wrk -s wrk-webhook.lua URL -- FILE THREADS [DELAY_MS]
-- With DELAY_MS, each connection waits that long between requests (a paced load).
local counter = 0
local threads = {}
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  local nthreads = tonumber(args[2] or "1")
  requests = {}
  local n = 0
  for line in io.lines(args[1]) do
    if n % nthreads == id - 1 then
      local tab = string.find(line, "\t", 1, true)
      requests[#requests + 1] =
        wrk.format("POST", string.sub(line, 1, tab - 1), { ["Content-Type"] = "text/xml" }, string.sub(line, tab + 1))
    end
    n = n + 1
  end
  i = 0
  wrapped = 0
  local pause = tonumber(args[3] or "0")
  if pause > 0 then
    delay = function() return pause end
  end
end

function request()
  i = i + 1
  if i > #requests then
    i = 1
    wrapped = 1
  end
  return requests[i]
end

function done(summary, latency, requests)
  local ran_out = 0
  for _, thread in ipairs(threads) do
    ran_out = ran_out + (thread:get("wrapped") or 0)
  end
  io.write(string.format("requests sent: %d\n", summary.requests))
  io.write(string.format("ran out of unique requests: %s\n", ran_out > 0 and "yes" or "no"))
end
