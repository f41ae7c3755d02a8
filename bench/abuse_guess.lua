-- wrk script (bench/abuse.py row 1): Debitsuccess sign-ins with a different wrong password
-- each time, as a password guesser sends them.
local head = '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
  .. '<AdjustAccountTerminationDate xmlns="Debitsuccess.WebServices.WCF">'
  .. '<request xmlns:a="http://schemas.datacontract.org/2004/07/Debitsuccess.WebServices.Core">'
  .. '<a:User><a:Password>guess-'
local tail = '</a:Password><a:Username>ds-gym</a:Username></a:User>'
  .. '<a:AccountReferenceNo>DS1000001</a:AccountReferenceNo><a:TerminationDate>2031-12-31</a:TerminationDate>'
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
