"""`--check-links` against servers the tests start on 127.0.0.1; nothing here touches the internet."""

from __future__ import annotations

import re
import shutil
import socket
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from conftest import RULE_FIXTURES, SEED, clean_list

# The READMEs here hold cards, not a template card: config names the built-in one.
BUILTIN = 'template = "builtin:iclr2023"\n'


@pytest.fixture(autouse=True)
def _builtin_template(tmp_path):
    (tmp_path / ".cardlint.toml").write_text(BUILTIN)


CASES = ["alive", "missing", "removed", "perm", "loop", "limited", "busy", "slow", "nohead", "img.png", "page.png"]


@pytest.fixture
def server():
    httpserver = HTTPServer(host="127.0.0.1", threaded=True)
    base = "/example.test"
    httpserver.expect_request(f"{base}/missing").respond_with_data("no", status=404)
    httpserver.expect_request(f"{base}/removed").respond_with_data("gone", status=410)
    httpserver.expect_request(f"{base}/perm").respond_with_data("", status=301, headers={"Location": f"{base}/perm2"})
    httpserver.expect_request(f"{base}/perm2").respond_with_data("", status=308, headers={"Location": f"{base}/alive"})
    httpserver.expect_request(f"{base}/loop").respond_with_data("", status=302, headers={"Location": f"{base}/loop2"})
    httpserver.expect_request(f"{base}/loop2").respond_with_data("", status=302, headers={"Location": f"{base}/loop"})
    httpserver.expect_oneshot_request(f"{base}/limited").respond_with_data("slow down", status=429, headers={"Retry-After": "1"})
    httpserver.expect_request(f"{base}/busy").respond_with_data("busy", status=503)

    def slow(request):
        time.sleep(3)
        return Response("late")

    httpserver.expect_request(f"{base}/slow").respond_with_handler(slow)
    httpserver.expect_request(f"{base}/nohead", method="HEAD").respond_with_data("", status=405)
    httpserver.expect_request(f"{base}/img.png").respond_with_data(b"\x89PNG", content_type="image/png")
    httpserver.expect_request(f"{base}/page.png").respond_with_data("<html>", content_type="text/html")
    httpserver.expect_request(re.compile(".*")).respond_with_data("alive")
    httpserver.start()
    yield httpserver
    httpserver.clear()
    httpserver.stop()


def review(tmp_path, port: int, extra: str = "") -> tuple:
    """A clean one-card README whose intro links every case (https://example.test/…, remapped)."""
    shutil.copytree(RULE_FIXTURES / "img", tmp_path / "img")
    intro = ["# Link test", ""]
    for case in CASES:
        if case.endswith(".png"):
            intro.append(f"![{case}](https://example.test/{case})")
        else:
            intro.append(f"- https://example.test/{case}")
    intro.append(f"- http://127.0.0.1:{port}/private")
    intro.append(extra)
    text = "\n".join(intro) + "\n" + clean_list()
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")
    (tmp_path / ".cardlint.toml").write_text(BUILTIN + "[links]\ntimeout = 1\nretries = 1\nmax-retry-wait = 2\n")
    remap = rf"^https://([a-z.]+)/ http://127.0.0.1:{port}/\1/"
    return path, remap


def line(case: str) -> int:
    return CASES.index(case) + 3


def test_every_case_gets_its_verdict(cli, server, tmp_path):
    path, remap = review(tmp_path, server.port)
    started = time.monotonic()
    run = cli("--check-links", "--remap", remap, "--no-cache", "--select", "CL8", path)
    elapsed = time.monotonic() - started
    base = f"http://127.0.0.1:{server.port}/example.test"
    assert run.out.splitlines()[:-1] == [
        f"{path}:{line('missing')}:3: CL801 Link is dead: https://example.test/missing (HTTP 404)",
        f"{path}:{line('removed')}:3: CL801 Link is dead: https://example.test/removed (HTTP 410)",
        f"{path}:{line('perm')}:3: CL802 Link is permanently redirected: https://example.test/perm -> {base}/alive (warning)",
        f"{path}:{line('loop')}:3: CL801 Link is dead: https://example.test/loop (redirect loop at {base}/loop)",
        f"{path}:{line('busy')}:3: CL801 Link is dead: https://example.test/busy (HTTP 503)",
        f"{path}:{line('slow')}:3: CL801 Link is dead: https://example.test/slow (timed out after 1 s)",
        f"{path}:{line('page.png')}:13: CL804 Remote image https://example.test/page.png answers with text/html, not an image",
        f"{path}:14:3: CL803 Link not checked: http://127.0.0.1:{server.port}/private "
        "(127.0.0.1 is not a public address (set allow-private to check it)) (warning)",
    ]
    assert run.code == 1
    # The alive, rate-limited (429 then 200), HEAD-refusing and image links passed; all in one bounded run.
    assert elapsed < 30
    assert not [request for request, _ in server.log if request.path == "/private"]
    methods = [request.method for request, _ in server.log if request.path.endswith("/nohead")]
    assert methods == ["HEAD", "GET"]
    limited = [response.status_code for request, response in server.log if request.path.endswith("/limited")]
    assert limited == [429, 200]


def test_allow_private_checks_the_local_url(cli, server, tmp_path):
    path, remap = review(tmp_path, server.port)
    (tmp_path / ".cardlint.toml").write_text(BUILTIN + "[links]\ntimeout = 1\nretries = 0\nallow-private = true\n")
    run = cli("--check-links", "--remap", remap, "--no-cache", "--select", "CL803", path)
    assert run.out == "All checks passed!\n"
    assert [request for request, _ in server.log if request.path == "/private"]


def test_cache_keeps_successes_not_failures(cli, server, tmp_path, monkeypatch):
    monkeypatch.delenv("CARDLINT_CACHE_DIR")  # the default folder: the user's cache folder
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    path, remap = review(tmp_path, server.port)
    (tmp_path / ".cardlint.toml").write_text(BUILTIN + "[links]\ntimeout = 1\nretries = 1\nmax-retry-wait = 2\nexclude = ['slow', 'busy']\n")
    first = cli("--check-links", "--remap", remap, path)
    assert (tmp_path / "user-cache" / "cardlint" / "links.json").is_file()
    assert not (tmp_path / ".cardlint_cache").exists()
    server.clear_log()
    second = cli("--check-links", "--remap", remap, path)
    assert second.out == first.out
    fetched = {request.path.rsplit("/", 1)[-1] for request, _ in server.log}
    assert "alive" not in fetched and "img.png" not in fetched  # cached successes
    assert {"missing", "removed", "loop"} <= fetched  # failures are checked again
    server.clear_log()
    cli("--check-links", "--remap", remap, "--no-cache", path)
    assert "alive" in {request.path.rsplit("/", 1)[-1] for request, _ in server.log}


def test_bad_remap_is_one_line(cli, tmp_path):
    path = tmp_path / "README.md"
    path.write_text("# x\n")
    run = cli("--check-links", "--remap", "no-replacement", path)
    assert (run.code, run.err) == (2, "Error: remap 'no-replacement' is not 'PATTERN REPLACEMENT' (remap)\n")


def test_offline_run_makes_no_network_call(cli, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network used in an offline run")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    run = cli(SEED)
    assert run.code == 1
    assert run.out.splitlines()[-3] == "Found 8 errors and 4 warnings."


def test_ipv6_literal_links_are_collected_and_not_fetched(cli, tmp_path):
    """`http://[::1]:8080/` is a link like any other: collected, and as a loopback address not fetched."""
    from cardlint.online import collect_links
    from cardlint.parser import parse
    from cardlint.source import Source

    text = "# Links\n\n- see http://[::1]:8080/admin and https://[2001:db8::1]/x, not http:// alone\n"
    links = collect_links(parse(Source.from_text(text)))
    assert [(link.url, link.span.column) for link in links] == [("http://[::1]:8080/admin", 7), ("https://[2001:db8::1]/x", 35)]
    path = tmp_path / "README.md"
    path.write_text("# Notable Top 5%\n## Card\n| | |\n|--|--|\n|Title|T|\n|Github| http://[::1]:9/x |\n")
    run = cli("--check-links", "--no-cache", "--select", "CL803", path)
    assert run.out.splitlines()[0] == f"{path}:6:10: CL803 Link not checked: http://[::1]:9/x (::1 is not a public address (set allow-private to check it)) (warning)"


def _alive_verdicts(cli, server, tmp_path, cache_text: str | None, link: str = "missing") -> tuple[int, str]:
    """Lint a README linking one dead URL (the server answers 404) with ``cache_text`` as the link cache."""
    cache = tmp_path / "cache"
    cache.mkdir(exist_ok=True)
    if cache_text is not None:
        (cache / "links.json").write_text(cache_text)
    path = tmp_path / "README.md"
    path.write_text(f"# Notable Top 5%\n## Card\n| | |\n|--|--|\n|Title|T|\n|Github| https://example.test/{link} |\n")
    remap = rf"^https://example\.test/ http://127.0.0.1:{server.port}/example.test/"
    run = cli("--check-links", "--remap", remap, "--cache-dir", cache, "--select", "CL801", path)
    return run.code, run.out


@pytest.mark.parametrize(
    "forged",
    [
        '{"http://127.0.0.1:PORT/example.test/missing": {"status": "ok", "checked": 9e9}}',
        '{"http://127.0.0.1:PORT/example.test/missing": {"status": "ok", "checked": "yesterday"}}',
        '{"http://127.0.0.1:PORT/example.test/missing": {"status": "fine", "checked": NOW}}',
        '{"http://127.0.0.1:PORT/example.test/missing": {"status": "ok", "checked": NOW, "code": "200"}}',
        '["not", "a", "table"]',
    ],
    ids=["checked-in-the-future", "checked-not-a-time", "unknown-status", "code-not-a-number", "not-a-table"],
)
def test_a_forged_or_damaged_link_cache_entry_is_not_believed(cli, server, tmp_path, forged):
    text = forged.replace("PORT", str(server.port)).replace("NOW", str(time.time()))
    code, out = _alive_verdicts(cli, server, tmp_path, text)
    assert code == 1 and "CL801 Link is dead: https://example.test/missing (HTTP 404)" in out


def test_a_link_cache_that_is_a_symlink_is_neither_read_nor_written_through(cli, server, tmp_path):
    target = tmp_path / "elsewhere.json"
    target.write_text('{"keep": "me"}')
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "links.json").symlink_to(target)
    code, _ = _alive_verdicts(cli, server, tmp_path, None)
    assert code == 1
    assert target.read_text() == '{"keep": "me"}'
    assert not (tmp_path / "cache" / "links.json").is_symlink()


def _card(tmp_path, *urls: str):
    path = tmp_path / "README.md"
    rows = "".join(f"|Github| {url} |\n" if index == 0 else f"\n- {url}\n" for index, url in enumerate(urls))
    path.write_text(f"# Notable Top 5%\n## Card\n| | |\n|--|--|\n|Title|T|\n{rows}")
    return path


def test_a_bad_url_is_a_diagnostic_and_the_others_are_still_checked(cli, server, tmp_path):
    """An out-of-range port or a legacy-numeric host used to end the whole link check."""
    path = _card(tmp_path, "https://example.test/missing", "http://127.0.0.1:99999/", "http://1.1.1.001/")
    remap = rf"^https://example\.test/ http://127.0.0.1:{server.port}/example.test/"
    run = cli("--check-links", "--no-cache", "--remap", remap, "--select", "CL801", path)
    assert run.code == 1, run.err
    assert run.out.splitlines()[:3] == [
        f"{path}:6:10: CL801 Link is dead: https://example.test/missing (HTTP 404)",
        f"{path}:8:3: CL801 Link is dead: http://127.0.0.1:99999/ (not a valid URL: Port out of range 0-65535)",
        f"{path}:10:3: CL801 Link is dead: http://1.1.1.001/ (not a valid IP address: 1.1.1.001)",
    ]


def test_a_name_that_does_not_resolve_is_could_not_resolve(cli, tmp_path, monkeypatch):
    def no_such_name(host, *args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    path = _card(tmp_path, "https://nowhere.invalid/repo")
    run = cli("--check-links", "--no-cache", "--select", "CL8", path)
    assert run.out.splitlines()[0] == f"{path}:6:10: CL801 Link is dead: https://nowhere.invalid/repo (could not resolve nowhere.invalid)"


def test_the_request_goes_to_the_address_that_was_checked(cli, server, tmp_path, monkeypatch):
    """DNS rebinding: the name first answers with an address taken as public, then with 127.0.0.1.
    cardlint connects to the first (nothing listens there); the private server never sees a request."""
    import cardlint.online

    real = socket.getaddrinfo
    answers = iter(["127.0.0.2"] + ["127.0.0.1"] * 20)

    def rebinding(host, port, *args, **kwargs):
        if host in ("rebind.test", b"rebind.test"):  # httpcore asks with bytes
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(cardlint.online, "is_public_address", lambda address: address == "127.0.0.2")
    path = _card(tmp_path, f"http://rebind.test:{server.port}/secret")
    run = cli("--check-links", "--no-cache", "--select", "CL8", path)
    assert "CL801 Link is dead" in run.out
    assert not [request for request, _ in server.log if request.path == "/secret"]


def test_remap_trust_stays_with_the_server_the_remap_names(cli, server, tmp_path):
    """A remapped URL's redirect to another private server, a remap that matched inside the query,
    and a user@host URL are not trusted: none of them reaches the private server."""
    other = HTTPServer(host="127.0.0.1")
    other.expect_request("/secret").respond_with_data("secret")
    other.start()
    try:
        server.expect_oneshot_request("/mirror/away").respond_with_data(
            "", status=302, headers={"Location": f"http://127.0.0.1:{other.port}/secret"}
        )
        urls = [
            "https://mirror.test/away",
            f"http://127.0.0.1:{other.port}/secret?x=arxiv.org/abs/1",
            f"http://arxiv.org@127.0.0.1:{other.port}/secret",
        ]
        path = _card(tmp_path, *urls)
        run = cli(
            "--check-links", "--no-cache", "--select", "CL8",
            "--remap", rf"^https://mirror\.test/ http://127.0.0.1:{server.port}/mirror/",
            "--remap", r"arxiv\.org/abs/ export.arxiv.org/abs/",
            "--remap", rf"^http://arxiv\.org http://127.0.0.1:{other.port}",
            path,
        )
        assert [line.split(": ", 1)[1].split(" ", 1)[0] for line in run.out.splitlines()[:3]] == ["CL803"] * 3, run.out
        assert other.log == []
    finally:
        other.stop()


def test_each_request_has_one_deadline_however_slowly_the_answer_trickles(cli, tmp_path):
    """A server that sends its status line a byte every 0.2 s is timed out after `timeout` seconds
    in all, not allowed to go on as long as each byte comes within the timeout."""
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)
    port = listener.getsockname()[1]

    def trickle():
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        with connection:
            for byte in b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n":
                try:
                    connection.sendall(bytes([byte]))
                except OSError:
                    return
                time.sleep(0.2)

    worker = threading.Thread(target=trickle, daemon=True)
    worker.start()
    (tmp_path / ".cardlint.toml").write_text(BUILTIN + "[links]\ntimeout = 1\nretries = 0\n")
    path = _card(tmp_path, "https://slow.test/x")
    started = time.monotonic()
    run = cli("--check-links", "--no-cache", "--select", "CL8", "--remap", rf"^https://slow\.test/ http://127.0.0.1:{port}/", path)
    elapsed = time.monotonic() - started
    listener.close()
    worker.join(timeout=10)
    assert run.out.splitlines()[0] == f"{path}:6:10: CL801 Link is dead: https://slow.test/x (timed out after 1 s)"
    assert elapsed < 4


def test_a_remap_whose_replacement_names_a_missing_group_is_one_line(cli, tmp_path):
    path = tmp_path / "README.md"
    path.write_text("# x\n")
    run = cli("--check-links", "--remap", r"^http \g<9>", path)
    assert (run.code, run.out) == (2, "")
    assert run.err == "Error: remap '^http \\g<9>' is not a valid regex and replacement: invalid group reference 9 at position 3 (remap)\n"
