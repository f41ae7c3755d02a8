-- wrk script (bench/abuse.py row 4): a refused sign-in on a 7 KB path.
local path = "/api/v2/request/" .. string.rep("A", 7 * 1024)
local headers = { ["Authorization"] = "Basic ZmxvLXBhcmVudDp3cm9uZw==" } -- flo-parent:wrong
function request()
  return wrk.format("GET", path, headers)
end
