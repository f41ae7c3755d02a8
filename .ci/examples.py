#!/usr/bin/env python3
"""Runs every shell example of the docs against a fresh `serve --demo --allow-reset` (issue 14
item 4; the reset's example is in docs/operations.md).

A runnable example is a fenced block whose info string is `sh`; before each curl command it
documents, a line `# expect: STATUS` gives the HTTP status that command must get. Blocks of
other info strings (`console`, `text`, …) are not run. Each block runs in bash, in its own
empty temporary directory (examples must work from any directory), with `curl` wrapped so
each call's status is recorded; the recorded statuses must equal the documented ones, in
order. Examples find `billing-compat` on PATH and the server's database in
BILLING_COMPAT_DATABASE_URL. All blocks run once in document order, then once more on the same server: the
walkthrough must work a second time too.

usage: .ci/examples.py BINARY [FILE.md ...]     (default: README.md, docs/*.md, fixtures/README.md,
                                                 CONTRIBUTING.md)
Exit status 0 when every example behaves as documented. Standard library only.
"""

import glob
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FENCE = re.compile(r"^```(\S*)\s*$")
EXPECT = re.compile(r"^\s*#\s*expect:\s*(\d{3})\s*$")
STATUS = re.compile(r"^@@status (\d{3})@@$", re.M)
# `%{stderr}` (curl 7.63+) sends the rest of the write-out to stderr, so the example's own
# output, which it may capture or pipe, is untouched.
PRELUDE = """
curl() { command curl -w '%{stderr}@@status %{http_code}@@\\n' "$@"; }
export -f curl
"""


def blocks(path):
    """(line number, text, expected statuses) of each `sh` block."""
    found, current, start, lang = [], None, 0, None
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            fence = FENCE.match(line)
            if fence and current is None:
                current, start, lang = [], number, fence.group(1)
            elif fence and line.strip() == "```" and current is not None:
                if lang == "sh":
                    text = "".join(current)
                    expected = [m.group(1) for m in map(EXPECT.match, current) if m]
                    found.append((start, text, expected))
                current = None
            elif current is not None:
                current.append(line)
    return found


def port_free(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def database(workdir):
    return f"sqlite://{workdir}/examples.db"


def start(binary, workdir):
    if not port_free(8080):
        sys.exit("examples: 127.0.0.1:8080 is taken; the examples name that port")
    log = open(os.path.join(workdir, "server.log"), "wb")
    server = subprocess.Popen(
        [binary, "serve", "--demo", "--allow-reset", "--database", database(workdir),
         "--bind", "127.0.0.1:8080"],
        stdout=log, stderr=subprocess.STDOUT, env=dict(os.environ, RUST_LOG="warn"))
    for _ in range(200):
        try:
            if urllib.request.urlopen("http://127.0.0.1:8080/readyz", timeout=1).status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    sys.exit("examples: the demo server did not come up")


def run(path, line, text, expected, env):
    with tempfile.TemporaryDirectory(prefix="bc_example.") as cwd:
        done = subprocess.run(["bash", "-c", PRELUDE + text], cwd=cwd, capture_output=True,
                              text=True, timeout=120, env=env)
    got = STATUS.findall(done.stderr)
    where = f"{os.path.relpath(path, ROOT)}:{line}"
    if got == expected:
        return True, f"ok   {where} ({', '.join(got) or 'no request'})"
    return False, (f"FAIL {where}: documented {expected}, got {got} (exit {done.returncode})\n"
                   f"     stdout: {done.stdout[-600:]!r}\n     stderr: {STATUS.sub('', done.stderr)[-600:]!r}")


def main():
    binary = sys.argv[1]
    files = sys.argv[2:] or (
        [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
        + [os.path.join(ROOT, "fixtures", "README.md"), os.path.join(ROOT, "CONTRIBUTING.md")])
    examples = [(path, *block) for path in files if os.path.exists(path) for block in blocks(path)]
    if not examples:
        sys.exit("examples: no `sh` example found")
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="bc_examples.") as workdir:
        server = start(binary, workdir)
        # Examples may run the binary itself (`billing-compat backup`), on the server's
        # database, as an operator would in the server's directory.
        env = dict(os.environ, BILLING_COMPAT_DATABASE_URL=database(workdir),
                   PATH=os.path.dirname(os.path.abspath(binary)) + os.pathsep
                   + os.environ.get("PATH", ""))
        try:
            for round_ in ("first", "second"):
                print(f"-- {round_} run of {len(examples)} examples")
                for path, line, text, expected in examples:
                    ok, message = run(path, line, text, expected, env)
                    print(message)
                    passed, failed = passed + ok, failed + (not ok)
        finally:
            server.terminate()
            server.wait(timeout=15)
    print(f"examples: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
