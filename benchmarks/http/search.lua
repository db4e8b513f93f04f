-- search.lua — wrk script of the HTTP benchmark (run.sh): POSTs the course questions to
-- /v1/collections/$BENCH_COLLECTION/search as {"query": ..., "top_k": 5, "mode": $BENCH_MODE}.
--
-- Environment:
--   BENCH_QUERIES     file of questions, one JSON string literal a line (run.sh writes it)
--   BENCH_COLLECTION  collection searched
--   BENCH_VARIANT     repeated: the questions cycled as they are (answer caches help);
--                     unique: " <salt>.<thread>.<n>" appended to each, so no query repeats
--   BENCH_SALT        (unique) distinguishes this run's queries from every earlier run's
--   BENCH_MODE        search mode (default vector; the peers have no other): hybrid is Quarry's default
-- done() prints one line "BENCH_JSON {...}": requests, errors, latency percentiles (µs).

local queries = {}
for line in io.lines(os.getenv("BENCH_QUERIES")) do
    queries[#queries + 1] = line
end
local path = "/v1/collections/" .. os.getenv("BENCH_COLLECTION") .. "/search"
local unique = os.getenv("BENCH_VARIANT") == "unique"
local salt = os.getenv("BENCH_SALT") or ""
local headers = { ["Content-Type"] = "application/json" }
local mode = os.getenv("BENCH_MODE") or "vector"

-- Each thread (one connection each) gets a number, so that unique queries differ across threads.
local next_thread = 0
function setup(thread)
    next_thread = next_thread + 1
    thread:set("thread_number", next_thread)
end

local sent = 0
function request()
    sent = sent + 1
    -- Threads start at different questions, so that they do not move in lockstep.
    local query = queries[(sent + thread_number) % #queries + 1]
    if unique then
        -- The line is a JSON string literal: insert the suffix before its closing quote.
        query = query:sub(1, -2) .. " " .. salt .. "." .. thread_number .. "." .. sent .. '"'
    end
    return wrk.format("POST", path, headers, '{"query": ' .. query .. ', "top_k": 5, "mode": "' .. mode .. '"}')
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "errors_status": %d, ' ..
        '"errors_connect": %d, "errors_read": %d, "errors_write": %d, "errors_timeout": %d, ' ..
        '"latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d}}\n',
        summary.requests, summary.duration, summary.bytes, e.status, e.connect, e.read, e.write, e.timeout,
        latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(95),
        latency:percentile(99), latency.max))
end
