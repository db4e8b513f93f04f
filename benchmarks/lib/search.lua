-- search.lua — wrk script: POSTs course questions to a Quarry-shaped search API
-- (`POST /v1/collections/<name>/search`) and prints a JSON summary at the end.
--
--   wrk -t T -c C -d Ds -s search.lua URL -- COLLECTION QUESTIONS [unique|repeated] [MODE]
--
-- QUESTIONS holds one question per line, JSON-escaped, without quotes.
-- `repeated` cycles through them (a query cache helps); `unique` appends a
-- per-request tag so that no two requests send the same query.

local threads = {}
local thread_count = 0

function setup(thread)
    thread_count = thread_count + 1
    thread:set("thread_id", thread_count)
    table.insert(threads, thread)
end

function init(args)
    local collection, file = args[1], args[2]
    variant = args[3] or "unique"
    mode = args[4] or "vector"
    questions = {}
    for line in io.lines(file) do
        if #line > 0 then questions[#questions + 1] = line end
    end
    sent = 0
    wrk.method = "POST"
    wrk.path = "/v1/collections/" .. collection .. "/search"
    wrk.headers["Content-Type"] = "application/json"
end

function request()
    sent = sent + 1
    local question = questions[(sent + thread_id * 7) % #questions + 1]
    if variant == "unique" then
        question = question .. " (" .. thread_id .. "-" .. sent .. ")"
    end
    local body = '{"query": "' .. question .. '", "top_k": 5, "mode": "' .. mode .. '"}'
    return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
    local errors = summary.errors
    local failed = errors.connect + errors.read + errors.write + errors.timeout + errors.status
    io.write(string.format(
        '{"requests": %d, "seconds": %.3f, "qps": %.2f, "p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "errors": %d}\n',
        summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
        latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
        latency.max / 1000, failed))
end
