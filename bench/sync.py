"""`cardlint sync` benchmark: 1,600 papers against a local server with a fixed latency.

    python bench/sync.py [--papers 1600] [--latency 0.1] [--interval 3]

The server speaks arXiv's export API (Atom) and OpenReview's v1 notes API. The script reports the
requests made (targets: at most one arXiv request per 100 papers, one OpenReview request per paper),
the shortest gap between two arXiv requests (target: at least the interval arXiv's terms ask, 3 s),
and the time taken.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ARXIV_TIMES: list[float] = []
OPENREVIEW = [0]


def serve(latency: float) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(latency)
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            if url.path == "/arxiv":
                ARXIV_TIMES.append(time.monotonic())
                entries = "".join(
                    f"<entry><id>http://arxiv.org/abs/{i}v1</id><title>Paper {i}</title><summary>s</summary>"
                    f"<published>2022-01-01T00:00:00Z</published><updated>2022-01-01T00:00:00Z</updated>"
                    f"<author><name>A. Author</name></author></entry>"
                    for i in query["id_list"][0].split(",")
                )
                body = f'<feed xmlns="http://www.w3.org/2005/Atom">{entries}</feed>'.encode()
                kind = "application/atom+xml"
            else:
                OPENREVIEW[0] += 1
                forum = query["forum"][0]
                notes = [
                    {"id": forum, "content": {"title": f"Paper {forum}", "authors": ["A. Author"]}},
                    {"id": "r", "invitation": "V/-/Official_Review", "content": {"recommendation": "6: accept"}},
                ]
                body, kind = json.dumps({"notes": notes}).encode(), "application/json"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def readme(papers: int) -> str:
    cards = []
    for index in range(papers):
        arxiv_id = f"2301.{index:05d}"
        cards.append(
            f"## Paper {index}\n| | |\n|--|--|\n|Title|Paper {arxiv_id}|\n|Paper Link|https://arxiv.org/abs/{arxiv_id}|\n"
            f"|OpenReview|https://openreview.net/forum?id=forum{index:06d}|\n"
        )
    template = "## Template\n| | |\n|--|--|\n|Title| |\n|Paper Link| |\n|OpenReview| |\n"
    return "# Benchmark list\n\n# Poster\n" + "\n".join(cards) + "\n" + template


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--papers", type=int, default=1600)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--interval", type=float, default=3.0)
    args = parser.parse_args()
    server = serve(args.latency)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "README.md"
        path.write_text(readme(args.papers), encoding="utf-8")
        (Path(folder) / ".cardlint.toml").write_text(
            f'[sources]\narxiv-api = "{base}/arxiv"\nopenreview-api = "{base}/or1"\nopenreview-api2 = "{base}/or2"\n'
            f"arxiv-interval = {args.interval}\nconcurrency = 8\n"
        )
        started = time.monotonic()
        run = subprocess.run([sys.executable, "-m", "cardlint", "sync", str(path)], capture_output=True, text=True)
        took = time.monotonic() - started
    server.shutdown()
    gaps = [b - a for a, b in itertools.pairwise(ARXIV_TIMES)]
    batches = -(-args.papers // 100)
    print(run.stdout.strip() or run.stderr.strip())
    print(f"{'measure':<44}{'value':>10}  target")
    print(f"{'arXiv requests':<44}{len(ARXIV_TIMES):>10}  <= {batches} {'ok' if len(ARXIV_TIMES) <= batches else 'MISSED'}")
    per_paper = OPENREVIEW[0] / args.papers
    print(f"{'OpenReview requests per paper':<44}{per_paper:>10.2f}  <= 1 {'ok' if per_paper <= 1 else 'MISSED'}")
    shortest = min(gaps) if gaps else float("inf")
    verdict = "ok" if shortest >= args.interval else "MISSED"
    print(f"{'shortest gap between arXiv requests (s)':<44}{shortest:>10.2f}  >= {args.interval:g} {verdict}")
    print(f"{'time (s)':<44}{took:>10.1f}  (info: {args.papers} papers, {args.latency * 1000:g} ms latency)")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
