-- wrk script (bench/abuse.py row 7): Debitsuccess adjusts of an unknown account (08, no
-- effect), each with a fresh request Id, so each leaves a stored reply behind.
local head = '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
  .. '<AdjustAccountTerminationDate xmlns="Debitsuccess.WebServices.WCF">'
  .. '<request xmlns:a="http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core">'
  .. '<a:Id>abuse-'
local tail = '</a:Id><a:User><a:Password>Gym-Pass-2024</a:Password><a:Username>ds-gym</a:Username></a:User>'
  .. '<a:AccountReferenceNo>NO-SUCH-ACCOUNT</a:AccountReferenceNo><a:TerminationDate>2031-12-31</a:TerminationDate>'
  .. '</request></AdjustAccountTerminationDate></s:Body></s:Envelope>'
local headers = {
  ["Content-Type"] = "text/xml; charset=utf-8",
  ["SOAPAction"] = '"Debitsuccess.WebServices.WCF/IDSServices/AdjustAccountTerminationDate"',
}
local threads, n = 0, 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end
function init(args)
  n = (tonumber(wrk.thread:get("tid")) or 0) * 100000000
end
function request()
  n = n + 1
  return wrk.format("POST", nil, headers, head .. n .. tail)
end
