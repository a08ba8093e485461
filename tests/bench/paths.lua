-- paths.lua: wrk cycles through the requests listed in the file named by
-- $FIGURES_BENCH_PATHS, one per line: a path, then optionally a tab and an
-- If-None-Match value. The order is fixed, so runs compare; each wrk thread
-- starts at its own place in the list.
local requests = {}
local next_request = 0
local threads = 0

setup = function(thread)
  thread:set("start", threads * 7919)
  threads = threads + 1
end

-- wrk.init, which runs before this, has set the Host header wrk.format copies
init = function()
  for line in io.lines(os.getenv("FIGURES_BENCH_PATHS")) do
    local path, etag = line:match("^([^\t]+)\t?(.*)$")
    if path then
      local headers = {}
      if etag ~= "" then headers["If-None-Match"] = etag end
      requests[#requests + 1] = wrk.format("GET", path, headers)
    end
  end
  next_request = start or 0
end

request = function()
  next_request = next_request + 1
  return requests[next_request % #requests + 1]
end
