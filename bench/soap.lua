-- wrk script: Debitsuccess AdjustAccountTerminationDate over SOAP 1.1 (issue 9 b, d).
-- BENCH_ACCOUNTS=N cycles through the bench accounts BA000000001..N (scale runs);
-- unset or 0: the demo account DS1000001 every time. The success path either way.
local n = tonumber(os.getenv("BENCH_ACCOUNTS") or "0") or 0
local path = os.getenv("BENCH_PATH") or "/DSWebService/DSServices.svc"
local threads, tid = 0, 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local head = '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
  .. '<AdjustAccountTerminationDate xmlns="Debitsuccess.WebServices.WCF">'
  .. '<request xmlns:a="http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core">'
  .. '<a:RequestInitiator>bench</a:RequestInitiator>'
  .. '<a:User><a:Password>Gym-Pass-2024</a:Password><a:Username>ds-gym</a:Username></a:User>'
  .. '<a:AccountReferenceNo>'
local tail = '</a:AccountReferenceNo><a:TerminationDate>2031-12-31</a:TerminationDate>'
  .. '</request></AdjustAccountTerminationDate></s:Body></s:Envelope>'
local headers = {
  ["Content-Type"] = "text/xml; charset=utf-8",
  ["SOAPAction"] = '"Debitsuccess.WebServices.WCF/IDSServices/AdjustAccountTerminationDate"',
}
-- Built in init(): wrk sets the Host header only once the thread starts.
local fixed
local i = 0

function init(args)
  tid = tonumber(wrk.thread:get("tid")) or 0
  i = tid * 7919
  fixed = wrk.format("POST", path, headers, head .. "DS1000001" .. tail)
end

function request()
  if n <= 0 then return fixed end
  i = i + 1
  return wrk.format("POST", path, headers, head .. string.format("BA%09d", (i % n) + 1) .. tail)
end

-- A success reply carries <a:Status>Succeed</a:Status>; anything else is counted.
local failed = 0
function response(status, hdrs, body)
  if status ~= 200 or not string.find(body, "Succeed", 1, true) then
    failed = failed + 1
    if failed == 1 then io.stderr:write("soap.lua: unexpected reply " .. status .. ": " .. string.sub(body, 1, 300) .. "\n") end
  end
end
