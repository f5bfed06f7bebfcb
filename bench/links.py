"""Link-checking benchmark: cardlint --check-links vs markdown-link-check on the same links.

    npm install --prefix bench markdown-link-check    # once
    python bench/links.py [--links 300] [--latency 0.1]

Local servers on eight loopback addresses (127.0.0.1 to 127.0.0.8, as a README links arXiv,
OpenReview, GitHub and others) answer each request after a fixed latency; one link in ten is dead
(404). Both tools check the same README; the script checks they reach the same verdicts and prints
the time ratio (target: cardlint at least 5x faster).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOSTS = 8


def serve(latency: float, host: str, port: int = 0) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def answer(self, body: bool) -> None:
            time.sleep(latency)
            status = 404 if self.path.startswith("/dead/") else 200
            self.send_response(status)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "2")
            self.end_headers()
            if body:
                self.wfile.write(b"ok")

        def do_HEAD(self) -> None:
            self.answer(False)

        def do_GET(self) -> None:
            self.answer(True)

        def log_message(self, *args) -> None:
            pass

    ThreadingHTTPServer.daemon_threads = True
    server = ThreadingHTTPServer((host, port), Handler)
    server.request_queue_size = 256
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def markdown_link_check() -> list[str] | None:
    local = HERE / "node_modules" / ".bin" / "markdown-link-check"
    if local.exists() and shutil.which("node"):
        return [str(local)]
    found = shutil.which("markdown-link-check")
    return [found] if found else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--links", type=int, default=300)
    parser.add_argument("--latency", type=float, default=0.1)
    options = parser.parse_args()
    mlc = markdown_link_check()
    if mlc is None:
        print("markdown-link-check is not installed: npm install --prefix bench markdown-link-check")
        return 2
    first = serve(options.latency, "127.0.0.1")
    port = first.server_address[1]
    servers = [first] + [serve(options.latency, f"127.0.0.{k}", port) for k in range(2, HOSTS + 1)]
    urls = [
        f"http://127.0.0.{i % HOSTS + 1}:{port}/{'dead' if i % 10 == 0 else 'ok'}/{i}" for i in range(options.links)
    ]
    expected_dead = {u for u in urls if "/dead/" in u}
    with tempfile.TemporaryDirectory(prefix="cardlint-links-") as temp:
        work = Path(temp)
        readme = work / "README.md"
        readme.write_text("# Links\n\n" + "".join(f"- {u}\n" for u in urls), encoding="utf-8")
        (work / ".cardlint.toml").write_text("[links]\nallow-private = true\nretries = 0\n")

        start = time.perf_counter()
        ours = subprocess.run(
            [sys.executable, "-m", "cardlint", "--check-links", "--no-cache", "--select", "CL8",
             "--output-format", "json", "README.md"],
            cwd=work, capture_output=True, text=True, check=False,
        )
        t_cardlint = time.perf_counter() - start
        dead_messages = [d["message"] for d in json.loads(ours.stdout) if d["code"] == "CL801"]
        ours_dead = {message.split("Link is dead: ", 1)[1].split()[0] for message in dead_messages}

        start = time.perf_counter()
        theirs = subprocess.run([*mlc, "README.md"], cwd=work, capture_output=True, text=True, check=False)
        t_mlc = time.perf_counter() - start
        theirs_dead = set(re.findall(r"\[✖\] (\S+)", theirs.stdout + theirs.stderr))
    for server in servers:
        server.shutdown()

    same = ours_dead == theirs_dead == expected_dead
    ratio = t_mlc / t_cardlint
    print(f"{options.links} links, {options.latency * 1000:.0f} ms latency, {len(expected_dead)} dead")
    print(f"cardlint --check-links   {t_cardlint:7.2f} s   dead found: {len(ours_dead)}")
    print(f"markdown-link-check      {t_mlc:7.2f} s   dead found: {len(theirs_dead)}")
    print(f"same verdicts: {'yes' if same else 'NO'}")
    print(f"markdown-link-check / cardlint = {ratio:.1f}x  (target >= 5x) {'ok' if ratio >= 5 and same else 'MISSED'}")
    return 0 if same and ratio >= 5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
