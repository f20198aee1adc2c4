-- Saving a section of the review form, as its users do: each connection (one a thread) is one person
-- saving their own review again and again, with new evidence each time and the section's version as
-- their page had it. A save redirects (302) and moves the version on by one; anything else (a 200 is
-- the page again, after a conflict or an error) is counted as an error and the version read from it.
-- Arguments: the cookie header, then for each connection "path|csrf token|version", then the form's
-- fields (URL-encoded, without the version and token).
dofile(os.getenv("QAPORTAL_WRK_DIR") .. "/report.lua")

local next_id, threads = 0, {}
function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
  table.insert(threads, thread)
end

-- A save that did not save is a failure, whatever its status: added to wrk's errors.
local report = done
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    summary.errors.status = summary.errors.status + thread:get("failures")
  end
  report(summary, latency, requests)
end

function init(args)
  local mine = args[1 + id]
  path, token, version = mine:match("([^|]+)|([^|]+)|(%d+)")
  version = tonumber(version)
  cookie, fields, round = args[1], args[#args], 0
  failures = 0
end

function request()
  round = round + 1
  local body = string.format("csrfmiddlewaretoken=%s&section_version=%d&save=1&%s", token, version,
    fields:gsub("ROUND", tostring(round)))
  return wrk.format("POST", path, {
    ["Cookie"] = cookie,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Referer"] = wrk.scheme .. "://" .. wrk.host .. ":" .. wrk.port .. path,
  }, body)
end

function response(status, headers, body)
  if status == 302 then
    version = version + 1
  else
    failures = failures + 1
    local found = body and body:match('name="section_version" value="(%d+)"')
    if found then version = tonumber(found) end
  end
end
