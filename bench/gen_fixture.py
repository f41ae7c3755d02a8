#!/usr/bin/env python3
"""Bench fixture generator (issue 9). Adds to the demo data (import fixtures/demo.yaml first):

  --accounts N   Active Debitsuccess accounts BA000000001.. (customer Acme North Gym), for the
                 scale runs (10 000 / 1 000 000 accounts) and the SOAP Lua script's cycling;
  --bundles M    Billing Care bundles, each on its own service POID, on one bench account
                 BBC000000001 (POID 0.0.0.1+-account+990000001) -- one fresh cancel target each;
  --orders K     Verizon disconnect orders 700000001.. each on its own account BVZ.. with one
                 charge item CI-1 -- one fresh acknowledgement target each.

Written line by line (flow style), so 1 000 000 accounts take seconds, not minutes.
usage: gen_fixture.py --accounts N --bundles M --orders K > file.yaml
"""
import argparse
import sys

p = argparse.ArgumentParser()
p.add_argument("--accounts", type=int, default=0)
p.add_argument("--bundles", type=int, default=0)
p.add_argument("--orders", type=int, default=0)
a = p.parse_args()
out = sys.stdout
w = out.write
GYM = "c0000000-0000-4000-8000-000000000004"
NORTH = "c0000000-0000-4000-8000-000000000002"

w("accounts:\n")
for i in range(1, a.accounts + 1):
    w(f"  - {{ tenant: acme, customer: {GYM}, reference_no: BA{i:09d}, status: Active, start_date: 2024-01-01 }}\n")
if a.bundles:
    w(f'  - {{ tenant: acme, customer: {NORTH}, reference_no: BBC000000001, poid: "0.0.0.1+-account+990000001", status: Active, start_date: 2024-01-01 }}\n')
for i in range(1, a.orders + 1):
    w(f"  - {{ tenant: acme, customer: {NORTH}, reference_no: BVZ{i:09d}, status: Active, start_date: 2024-01-01 }}\n")
if a.bundles:
    w("bundles:\n")
    for i in range(1, a.bundles + 1):
        w(f'  - {{ tenant: acme, poid: "0.0.0.1+-purchased_bundle+{800000000 + i}", account: BBC000000001, '
          f'service: "0.0.0.1+-service-email+{800000000 + i}", deal: "0.0.0.1+-deal+41056", package_id: 1 }}\n')
if a.orders:
    w("disconnect_orders:\n")
    for i in range(1, a.orders + 1):
        w(f"  - {{ tenant: acme, external_id: {700000000 + i}, account: BVZ{i:09d}, state: acknowledged, "
          f'charge_items: [{{ id: CI-1, description: Bench fee, amount: "1.00" }}] }}\n')
