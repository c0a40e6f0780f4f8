-- wrk script: POST a KServe v2 infer request of one row, input_ids and attention_mask INT32 [1, 128], as a Python
-- client writes it with json.dumps (about 1 KB), over keep-alive connections.
-- Usage: wrk -t2 -c64 -d10s --latency -s infer.lua http://127.0.0.1:PORT/v2/models/MODEL/infer
local ids, mask = {}, {}
for i = 1, 128 do
  -- [CLS] and [SEP] around word pieces of a fixed pseudo-random sentence: same bytes on every run
  ids[i] = (i == 1 and 101) or (i == 128 and 102) or (1000 + (i * 7919) % 29000)
  mask[i] = 1
end
local function input(name, values)
  return '{"name": "' .. name .. '", "datatype": "INT32", "shape": [1, 128], "data": [' ..
      table.concat(values, ", ") .. ']}'
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"id": "r1", "inputs": [' .. input("input_ids", ids) .. ', ' .. input("attention_mask", mask) .. ']}'
