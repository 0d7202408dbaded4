-- PATCH a random one of $TASK_IDS (comma-separated), alternating the status.
local ids = {}
for id in string.gmatch(os.getenv("TASK_IDS"), "[^,]+") do ids[#ids + 1] = id end
local statuses = {"pending", "in_progress", "done"}
local token = "Bearer " .. os.getenv("TOKEN")
local n = 0
request = function()
  n = n + 1
  local id = ids[math.random(#ids)]
  local body = '{"status": "' .. statuses[(n % 3) + 1] .. '"}'
  return wrk.format("PATCH", "/api/v1/tasks/" .. id,
    {["Authorization"] = token, ["Content-Type"] = "application/json"}, body)
end
