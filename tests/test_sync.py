"""`cardlint sync` against a local server that speaks arXiv's Atom API and OpenReview's v1 and v2 JSON,
holding the seed's five papers; then the CL9xx rules, offline, on the lock file it wrote.

The ids, titles and authors are the seed's papers'; the review ratings here are made up (this machine
cannot reach OpenReview), in the order the seed lists the papers."""

from __future__ import annotations

import json
import shutil
import socket
import time

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from conftest import SEED_DIR

PAPERS = {  # OpenReview forum -> (arXiv id, title, authors, decision, ratings)
    "FjNys5c7VyY": ("2209.14988", "DreamFusion: Text-to-3D using 2D Diffusion",
                    ["Ben Poole", "Ajay Jain", "Jonathan T. Barron", "Ben Mildenhall"], "Accept: notable-top-5%", [10, 8, 8]),
    "zyLVMgsZ0U_": ("2209.11215", "Sampling is as easy as learning the score: theory for diffusion models with minimal data assumptions",
                    ["Sitan Chen", "Sinho Chewi", "Jerry Li", "Yuanzhi Li", "Adil Salim", "Anru R. Zhang"], "Accept: notable-top-5%", [8, 8, 8]),
    "sP1fo2K9DFG": ("2211.15657", "Is Conditional Generative Modeling all you need for Decision-Making?",
                    ["Anurag Ajay", "Yilun Du", "Abhi Gupta", "Joshua Tenenbaum", "Tommi Jaakkola", "Pulkit Agrawal"],
                    "Accept: notable-top-5%", [8, 8, 6]),
    "j6zUzrapY3L": ("2301.09474", "DIFFormer: Scalable (Graph) Transformers Induced by Energy Constrained Diffusion",
                    ["Qitian Wu", "Chenxiao Yang", "Wentao Zhao", "Yixuan He", "David Wipf", "Junchi Yan"], "Accept: notable-top-25%", [8, 8, 6, 6]),
    "3lge0p5o-M-": ("2210.11427", "DiffEdit: Diffusion-based semantic image editing with mask guidance",
                    ["Guillaume Couairon", "Jakob Verbeek", "Holger Schwenk", "Matthieu Cord"], "Accept: notable-top-25%", [8, 6, 6]),
}  # fmt: skip
ARXIV = {arxiv: (title, authors) for arxiv, title, authors, _, _ in PAPERS.values()}


def atom(ids: list[str]) -> str:
    entries = []
    for arxiv_id in ids:
        if arxiv_id not in ARXIV:
            continue
        title, authors = ARXIV[arxiv_id]
        names = "".join(f"<author><name>{name}</name></author>" for name in authors)
        entries.append(
            f"<entry><id>http://arxiv.org/abs/{arxiv_id}v2</id><updated>2022-10-01T00:00:00Z</updated>"
            f"<published>2022-09-29T00:00:00Z</published><title>{title}</title>"
            f"<summary>The abstract of {arxiv_id}.</summary>{names}</entry>"
        )
    return '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">' + "".join(entries) + "</feed>"


def notes_v1(forum: str) -> list[dict]:
    _, title, authors, decision, ratings = PAPERS[forum]
    notes = [{"id": forum, "forum": forum, "invitation": "ICLR.cc/2023/Conference/-/Blind_Submission",
              "content": {"title": title, "authors": authors, "venue": "ICLR 2023 notable top 5%"}}]  # fmt: skip
    for index, rating in enumerate(ratings):
        notes.append({"id": f"r{index}", "forum": forum, "invitation": f"ICLR.cc/2023/Conference/Paper{index}/-/Official_Review",
                      "content": {"recommendation": f"{rating}: accept, good paper"}})  # fmt: skip
    notes.append({"id": "d", "forum": forum, "invitation": "ICLR.cc/2023/Conference/Paper1/-/Decision", "content": {"decision": decision}})
    return notes


class Sources:
    """The local server: /arxiv (Atom), /or1/notes (v1), /or2/notes (v2, one paper only)."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.requests: list[str] = []
        self.limited = 0  # answer the next arXiv requests with 429
        self.retry_after = "1"  # what those 429s say
        server.expect_request("/arxiv").respond_with_handler(self.arxiv)
        server.expect_request("/or1/notes").respond_with_handler(self.v1)
        server.expect_request("/or2/notes").respond_with_handler(self.v2)

    def arxiv(self, request: Request) -> Response:
        self.requests.append("arxiv")
        if self.limited:
            self.limited -= 1
            return Response("slow down", status=429, headers={"Retry-After": self.retry_after})
        return Response(atom(request.args["id_list"].split(",")), content_type="application/atom+xml")

    def v1(self, request: Request) -> Response:
        forum = request.args["forum"]
        self.requests.append(f"v1 {forum}")
        if forum == "NOREVIEWS1":  # submitted, not reviewed yet
            submission = {"id": forum, "forum": forum, "content": {"title": "Under Review", "authors": ["B. Author"]}}
            return Response(json.dumps({"notes": [submission]}), content_type="application/json")
        if forum not in PAPERS:
            return Response(json.dumps({"name": "NotFoundError", "message": "The Note was not found"}), status=404)
        return Response(json.dumps({"notes": notes_v1(forum)}), content_type="application/json")

    def v2(self, request: Request) -> Response:
        forum = request.args["forum"]
        self.requests.append(f"v2 {forum}")
        if forum != "NEW2024abc":
            return Response(json.dumps({"name": "NotFoundError"}), status=404)
        notes = [
            {"id": forum, "forum": forum, "invitations": ["ICLR.cc/2024/Conference/-/Submission"],
             "content": {"title": {"value": "A 2024 Paper"}, "authors": {"value": ["A. Author"]}}},
            {"id": "r", "forum": forum, "invitations": ["ICLR.cc/2024/Conference/Submission1/-/Official_Review"],
             "content": {"rating": {"value": 6}}},
        ]  # fmt: skip
        return Response(json.dumps({"notes": notes}), content_type="application/json")


@pytest.fixture
def sources():
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield Sources(server)
    server.clear()
    server.stop()


def config_text(port: int) -> str:
    base = f"http://127.0.0.1:{port}"
    return (
        "[sources]\n"
        f'arxiv-api = "{base}/arxiv"\nopenreview-api = "{base}/or1"\nopenreview-api2 = "{base}/or2"\n'
        "arxiv-interval = 0\ntimeout = 2\n"
    )


@pytest.fixture
def review(tmp_path, sources):
    shutil.copytree(SEED_DIR, tmp_path / "review")
    (tmp_path / "review" / ".cardlint.toml").write_text(config_text(sources.server.port))
    return tmp_path / "review" / "README.md"


def found(cli, path) -> list[tuple[int, str, str, str]]:
    return [(d["line"], d["code"], d["severity"], d["message"]) for d in json.loads(cli("--output-format", "json", path).out)]


def test_sync_then_check_finds_the_broken_id_and_the_title_case(cli, review, sources):
    run = cli("sync", review)
    assert run.code == 0, run.err
    assert run.out == f"5 papers fetched ({len(sources.requests)} requests), 5 in {review.parent / 'cardlint.lock.json'}.\n"
    assert sources.requests.count("arxiv") == 1  # one batch
    lock = json.loads((review.parent / "cardlint.lock.json").read_text())
    assert sorted(lock["papers"]) == sorted(f"openreview:{forum}" for forum in ["FjNys5c7VyY", "zyLVMgsZ0U", "sP1fo2K9DFG", "j6zUzrapY3L", "3lge0p5o-M-"])
    assert lock["papers"]["openreview:zyLVMgsZ0U"]["openreview"] == {"forum": "zyLVMgsZ0U", "missing": True}
    assert lock["papers"]["openreview:FjNys5c7VyY"]["openreview"]["average"] == pytest.approx(8.6667)
    sources_found = [item for item in found(cli, review) if item[1].startswith("CL9") or item[1] == "CL702"]
    assert sources_found == [
        (11, "CL902", "warning", "Title differs from the source's in case or punctuation: 'DreamFusion: Text-to-3D using 2D Diffusion'"),
        (67, "CL901", "error", "OpenReview has no paper 'zyLVMgsZ0U' (as of the last `cardlint sync`)"),
        # arXiv writes "Decision-Making", as the card's own BibTeX (from arXiv) does; its Title row does not.
        (107, "CL902", "warning", "Title differs from the source's in case or punctuation: "
         "'Is Conditional Generative Modeling all you need for Decision-Making?'"),
    ]


def test_the_lock_files_averages_order_the_cards(cli, review, sources):
    assert cli("sync", review).code == 0
    text = review.read_text(encoding="utf-8")
    lines = text.split("\n")
    difformer, diffedit, template = (lines.index(h) for h in ("## DIFFormer", "## DiffEdit", "## Template"))
    swapped = lines[:difformer] + lines[diffedit:template] + lines[difformer:diffedit] + lines[template:]
    review.write_text("\n".join(swapped), encoding="utf-8")
    order = [item for item in found(cli, review) if item[1] == "CL702"]
    assert [message for _, _, _, message in order] == [
        "Card 'DIFFormer' (score 7) belongs before 'DiffEdit' (score 6.6667, line 154)"
    ]


def test_a_second_sync_asks_nothing_and_a_refresh_with_the_server_down_keeps_the_lock(cli, review, sources):
    assert cli("sync", review).code == 0
    lock = (review.parent / "cardlint.lock.json").read_bytes()
    asked = len(sources.requests)
    run = cli("sync", review)
    assert (run.code, len(sources.requests)) == (0, asked)
    assert run.out.startswith("0 papers fetched (0 requests), 5 in ")
    sources.server.stop()
    run = cli("sync", "--refresh", review)
    assert run.code == 1
    assert (review.parent / "cardlint.lock.json").read_bytes() == lock
    failures = run.err.splitlines()
    assert len(failures) == 5 and all(": could not fetch '" in line for line in failures)
    assert failures[0].startswith(f"{review}:8: could not fetch 'DreamFusion': arXiv: ")
    sources.server.start()


def test_rate_limits_are_waited_out_and_v2_papers_and_papers_without_reviews_are_read(cli, review, sources):
    sources.limited = 1
    started = time.monotonic()
    assert cli("sync", review).code == 0
    assert sources.requests.count("arxiv") == 2 and time.monotonic() - started >= 1.0  # the 429, then again
    from cardlint.config import SourcesConfig
    from cardlint.sources import Sources as Client

    base = f"http://127.0.0.1:{sources.server.port}"
    client = Client(SourcesConfig(openreview_api=f"{base}/or1", openreview_api2=f"{base}/or2", timeout=2))
    found_v2 = client.openreview(["NEW2024abc", "nothing", "NOREVIEWS1"])
    client.close()
    assert found_v2["nothing"] is None
    paper = found_v2["NEW2024abc"]
    assert paper is not None and not isinstance(paper, Exception)
    assert (paper.title, paper.authors, paper.ratings, paper.decision) == ("A 2024 Paper", ["A. Author"], [6.0], None)
    waiting = found_v2["NOREVIEWS1"]
    assert waiting is not None and not isinstance(waiting, Exception)
    assert (waiting.ratings, waiting.average, waiting.decision) == ([], None, None)  # no reviews yet: no score


@pytest.mark.parametrize("header", ["nan", "soon", "-5"])
def test_a_retry_after_that_is_no_number_of_seconds_is_waited_out(cli, review, sources, header):
    """`Retry-After: nan` made time.sleep raise ValueError: a traceback out of sync. Words wait one
    second, a negative delay none."""
    sources.limited, sources.retry_after = 1, header
    started = time.monotonic()
    run = cli("sync", review)
    assert run.code == 0, run.err
    assert sources.requests.count("arxiv") == 2
    assert time.monotonic() - started < 30


def test_the_default_sources_must_be_public_addresses(monkeypatch):
    """A default base URL that resolves to a private address is refused before any request; a base
    URL set in config (a mirror, a test server) is the user's choice."""
    from cardlint.config import SourcesConfig
    from cardlint.sources import FetchError
    from cardlint.sources import Sources as Client

    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: [(2, 1, 6, "", ("10.0.0.7", 443))])
    client = Client(SourcesConfig())
    with pytest.raises(FetchError, match=r"export\.arxiv\.org resolves to a non-public address"):
        client.arxiv(["2209.14988"])
    assert client.requests == 0
    client.close()


def test_bibtex_title_and_authors_are_checked_against_the_source(cli, review, sources):
    assert cli("sync", review).code == 0
    text = review.read_text(encoding="utf-8")
    text = text.replace("author = {Poole, Ben and Jain, Ajay and Barron, Jonathan T. and Mildenhall, Ben}", "author = {Poole, Ben and Jain, Ajay}")
    text = text.replace("title = {DiffEdit: Diffusion-based semantic image editing with mask guidance}", "title = {DiffEdit: semantic editing}")
    review.write_text(text, encoding="utf-8")
    messages = {(line, message) for line, code, _, message in found(cli, review) if code in ("CL902", "CL903")}
    assert (46, "BibTeX authors differ from the source's: Ben Poole, Ajay Jain, Jonathan T. Barron, Ben Mildenhall") in messages
    assert (248, "BibTeX title differs from the source's: 'DiffEdit: Diffusion-based semantic image editing with mask guidance'") in messages


def test_a_timeout_is_a_failure_for_that_paper(cli, review, sources):
    def slow(request: Request) -> Response:
        time.sleep(3)
        return Response("late")

    sources.server.clear()
    sources.server.expect_request("/arxiv").respond_with_handler(slow)
    sources.server.expect_request("/or1/notes").respond_with_handler(sources.v1)
    run = cli("sync", review)
    assert run.code == 1
    assert "arXiv: no answer within 2 s" in run.err


def test_new_from_arxiv_and_openreview_writes_a_complete_card_in_its_tier_and_place(cli, tmp_path, sources):
    from conftest import DATA

    shutil.copytree(DATA / "seed-clean", tmp_path / "review")
    (tmp_path / "review" / ".cardlint.toml").write_text(config_text(sources.server.port))
    path = tmp_path / "review" / "README.md"
    text = path.read_text(encoding="utf-8")
    start, end = text.index("## DreamFusion"), text.index("## Sampling is as easy")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    assert cli("sync", path).code == 0  # the other cards' averages: 8, 7.33 (and one broken id)
    run = cli("new", path, "--arxiv", "2209.14988", "--openreview", "FjNys5c7VyY")
    assert run.code == 0, run.err
    assert run.out.startswith("Added card 'DreamFusion: Text-to-3D using 2D Diffusion' under 'Notable Top 5%' at ")
    written = path.read_text(encoding="utf-8")
    headings = [line for line in written.splitlines() if line.startswith("#")]
    # 8.67 goes before Decision Diffuser (8); Sampling's broken id gives it no score: it keeps its slot.
    assert headings[1:4] == ["# Notable Top 5%", "## Sampling is as easy as learning the score", "## DreamFusion: Text-to-3D using 2D Diffusion"]
    assert "|Authors|Ben Poole, Ajay Jain, Jonathan T. Barron, Ben Mildenhall|" in written
    assert "\tThe abstract of 2209.14988.\n" in written and "  url = {https://arxiv.org/abs/2209.14988}," in written
    lock = json.loads((path.parent / "cardlint.lock.json").read_text())
    assert lock["papers"]["openreview:FjNys5c7VyY"]["openreview"]["decision"] == "Accept: notable-top-5%"
    lines = written.split("\n")
    first = lines.index("## DreamFusion: Text-to-3D using 2D Diffusion") + 1
    last = lines.index("## Decision Diffuser")
    remaining = {d["code"] for d in json.loads(cli("--output-format", "json", path).out) if first <= d["line"] <= last}
    assert remaining == {"CL306"}  # only the review fields are left to write


def test_new_from_arxiv_leaves_out_and_names_what_the_template_has_no_place_for(cli, tmp_path, sources):
    """A bullet template with Authors, a <details> block without <p> and no paper link row: the
    authors, the abstract (in place of the template's) and the BibTeX are written, the link is named
    as left out, and the command succeeds."""
    from conftest import FIXTURES, strip_markers

    text, _ = strip_markers((FIXTURES / "shapes" / "bullets.md").read_text(encoding="utf-8"))
    path = tmp_path / "README.md"
    path.write_text(text, encoding="utf-8")
    (tmp_path / ".cardlint.toml").write_text(config_text(sources.server.port))
    run = cli("new", path, "--arxiv", "2209.14988", "--tier", "Text-to-3D")
    assert run.code == 0, run.err
    assert run.out.splitlines() == [
        f"Added card 'DreamFusion: Text-to-3D using 2D Diffusion' under 'Text-to-3D' at {path}:31.",
        "Left out, as the template card has no place for them: the paper link from arXiv.",
    ]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[31] == "- **Authors**: Ben Poole, Ajay Jain, Jonathan T. Barron, Ben Mildenhall"
    assert lines[35:39] == ["<details><summary>Abstract</summary>", "The abstract of 2209.14988.", "", "@misc{https://doi.org/10.48550/arxiv.2209.14988,"]
    path.write_text(text, encoding="utf-8")  # --authors given: the card takes it, not arXiv's
    assert cli("new", path, "--arxiv", "2209.14988", "--tier", "Text-to-3D", "--authors", "B. Poole et al.").code == 0
    assert path.read_text(encoding="utf-8").splitlines()[31] == "- **Authors**: B. Poole et al."


def test_checking_makes_no_network_call_with_or_without_a_lock_file(cli, review, sources, monkeypatch):
    assert cli("sync", review).code == 0

    def refuse(*args, **kwargs):
        raise AssertionError("a network call")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    with_lock = cli("--output-format", "json", review)
    (review.parent / "cardlint.lock.json").unlink()
    without = cli("--output-format", "json", review)
    assert with_lock.code == without.code == 1
    assert len(json.loads(with_lock.out)) == len(json.loads(without.out)) + 3
