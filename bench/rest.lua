-- wrk script: one write operation of each REST API (issue 9 c). BENCH_KIND selects it:
--   flolive      POST attach-product (FLO-DATA-1GB to Acme South), API key; repeatable.
--   crmcom       POST add_subscriptions with BENCH_TOKEN (a CRM.COM token); repeatable.
--   billing_care POST cancel/bundle with BENCH_TOKEN (a Billing Care access token); each request
--                cancels a fresh bench bundle 800000000+k (bench/gen_fixture.py --bundles).
--   verizon      POST disconnectCustomerConfirmation; each request answers a fresh bench order
--                700000000+k (bench/gen_fixture.py --orders).
-- Thread t takes the block BENCH_FIRST + t*BENCH_BLOCK onwards, so successive runs and the
-- threads of one run use disjoint targets however unevenly wrk's threads are served (an
-- interleaved scheme overlapped the next run's range when one thread did more requests).
local kind = os.getenv("BENCH_KIND") or "flolive"
local token = os.getenv("BENCH_TOKEN") or ""
local first = tonumber(os.getenv("BENCH_FIRST") or "1") or 1
local threads = 0
function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
  thread:set("nthreads", threads)
end

local json = { ["Content-Type"] = "application/json" }
local fixed
local k = first
-- Requests are built in init(): wrk sets the Host header only once the thread starts.
function init(args)
  local tid = tonumber(wrk.thread:get("tid")) or 0
  k = first + tid * (tonumber(os.getenv("BENCH_BLOCK") or "100000") or 100000)
  if kind == "flolive" then
    fixed = wrk.format("POST", "/api/v2/customer/c0000000-0000-4000-8000-000000000003/attach-product",
      { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer acme-flolive-key" },
      '{"customerId":"c0000000-0000-4000-8000-000000000003","productId":"b0000000-0000-4000-8000-000000000001"}')
  elseif kind == "crmcom" then
    fixed = wrk.format("POST", "/crmapi/rest/v2/conax_sms_sas/provisioning_requests/add_subscriptions", json,
      '{"token":"' .. token .. '","subscription_identifier":{"number":"SUB-0001"},'
      .. '"service_identifier":{"code":"TV-SPORTS"},"smartcard_identifier":{"serial_number":"SC-000111"}}')
  end
end
local bc_headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
local vz_headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer acme-verizon-key" }
local vz_body = '{"acknowledgementRequest":[{"id":"CI-1","acceptanceIndicator":"accepted"}]}'

function request()
  if fixed then return fixed end
  local n = k
  k = k + 1
  if kind == "billing_care" then
    return wrk.format("POST", "/bcws/webresources/v1.0/subscriptions/cancel/bundle", bc_headers,
      '{"accountRef":{"id":"0.0.0.1+-account+990000001"},"serviceRef":{"id":"0.0.0.1+-service-email+'
      .. (800000000 + n) .. '"},"dealRef":{"id":"0.0.0.1+-deal+41056"},"packageId":1}')
  else
    return wrk.format("POST", "/proquest/disconnectCustomerConfirmation?externalId=" .. (700000000 + n),
      vz_headers, vz_body)
  end
end
