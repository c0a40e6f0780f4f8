-- wrk script: POST {"text": "..."} to /predict, cycling over the benchmark's sentences (one per line), over
-- keep-alive connections. Each wrk thread starts at its own place in the file so that threads do not send the
-- same sentence at the same time.
-- Usage: SENTENCES=FILE wrk -t2 -c64 -d10s --latency -s predict.lua http://127.0.0.1:PORT/predict
local file = os.getenv("SENTENCES") or error("set SENTENCES to the sentences file")
local bodies = {}
for line in io.lines(file) do
  local escaped = line:gsub('\\', '\\\\'):gsub('"', '\\"')
  bodies[#bodies + 1] = '{"text": "' .. escaped .. '"}'
end
assert(#bodies > 0, "no sentences in " .. file)

local threads = 0
function setup(thread)
  thread:set("offset", threads * 997)
  threads = threads + 1
end

local i = nil
local headers = { ["Content-Type"] = "application/json" }
function request()
  i = ((i or offset or 0) % #bodies) + 1
  return wrk.format("POST", nil, headers, bodies[i])
end
