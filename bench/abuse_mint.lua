-- wrk script (bench/abuse.py row 7): CRM.COM token mints by one user, as fast as answered.
local body = '{"username":"crm-agent","password":"Crm-Pass-2024","organisation":"acme"}'
local headers = { ["Content-Type"] = "application/json" }
function request()
  return wrk.format("POST", "/crmapi/rest/v2/authentication/token", headers, body)
end
