#!/usr/bin/env python3
"""Queues a job no handler takes, straight into the database, and prints its id.

No API makes a job fail on purpose: every handler's permanent failures need a payload our
own code never writes, and a webhook to a dead receiver ends its job `done` with the
endpoint disabled (docs/events.md). The worker fails an unknown kind at once ("no handler
for this job kind", src/service/jobs.rs), which is the real path to `failed`.

Usage: failing_job.py DATABASE_URL   (sqlite://PATH or postgres://…)
"""
import datetime
import subprocess
import sys
import uuid

KIND = "ci.no-handler"


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def main():
    url = sys.argv[1]
    job, at = str(uuid.uuid4()), now()
    insert = (
        "INSERT INTO jobs (id, tenant_id, kind, payload, status, run_at, attempts, max_attempts, "
        "created_at, updated_at) SELECT '{job}', id, '{kind}', '{{}}', 'queued', '{at}', 0, 1, "
        "'{at}', '{at}' FROM tenants WHERE code = 'acme'"
    ).format(job=job, kind=KIND, at=at)
    if url.startswith("sqlite://"):
        import sqlite3

        con = sqlite3.connect(url[len("sqlite://"):], timeout=30)
        with con:
            if con.execute(insert).rowcount != 1:
                sys.exit("no tenant acme (is this the demo data?)")
        con.close()
    else:
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", insert], check=True)
    print(job)


if __name__ == "__main__":
    main()
