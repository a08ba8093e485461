-- unique.lua: wrk asks a URL that differs on every request: the path in
-- $FIGURES_BENCH_UNIQUE (a query string already begun) followed by
-- &limit=<1..50>&since=<a day in the ten years before today>&until=<a day
-- after it>, drawn at random from 666 million such triples: in a run of 100,000
-- requests a handful come twice. Each thread, and each run, draws its own: a
-- later run does not ask what an earlier one left in nginx's cache.
local prefix = os.getenv("FIGURES_BENCH_UNIQUE")
local threads = 0
local first_day = os.time() - 3650 * 86400

setup = function(thread)
  thread:set("id", threads)
  threads = threads + 1
end

init = function()
  math.randomseed(os.time() + (id or 0) * 7919 + math.floor(os.clock() * 1e6))
end

local function day(n)
  return os.date("!%Y-%m-%d", first_day + n * 86400)
end

request = function()
  local since = math.random(0, 3649)
  local path = prefix .. "&limit=" .. math.random(1, 50) .. "&since=" .. day(since) ..
               "&until=" .. day(since + math.random(0, 3649))
  return wrk.format("GET", path)
end
