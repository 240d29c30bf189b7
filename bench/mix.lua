-- wrk script: POST a request body chosen at random from a file of one body per line.
-- The file is named by the BODIES environment variable.
local bodies = {}

function init(args)
  local path = os.getenv("BODIES")
  for line in io.lines(path) do
    bodies[#bodies + 1] = line
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local body = bodies[math.random(#bodies)]
  return wrk.format("POST", "/", {["Content-Type"] = "text/xml; charset=utf-8"}, body)
end
