"""The command line: ``main(argv) -> int`` wrapped by click; every failure is one line and exit 2."""

from __future__ import annotations

import contextlib
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import click

from cardlint import __version__
from cardlint.config import Config, config_for
from cardlint.decide import enabled_rules
from cardlint.diagnostic import Diagnostic, Severity
from cardlint.errors import UsageError
from cardlint.linter import LintResult, OnlineCheck, lint_source
from cardlint.model import Document
from cardlint.report import render_github, render_json, render_statistics, render_text
from cardlint.source import BOM, Source

if TYPE_CHECKING:
    from cardlint.online import Link, Verdict
    from cardlint.rules import Rule
    from cardlint.scores import ScoreTable

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "github", "sarif")
# Control characters (a newline or a NUL in a name from a config file) escaped, so an error is one line.
_ESCAPED = {code: repr(chr(code))[1:-1] for code in (*range(32), 127) if code != ord("\t")}


def _error(message: str) -> None:
    click.echo(f"Error: {message.translate(_ESCAPED)}", err=True)


def _split(values: Sequence[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=True, file_okay=True, path_type=str))
@click.option("--output-format", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--select", multiple=True, help="Rule codes, prefixes or names to run (replaces the config's).")
@click.option("--extend-select", multiple=True, help="Rules to run in addition to the selected ones.")
@click.option("--ignore", multiple=True, help="Rule codes, prefixes or names to skip.")
@click.option("--config", "config_path", type=str, help="Use this config file instead of searching for one.")
@click.option("--fix", is_flag=True, help="Apply safe fixes and write the files.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff, apply unsafe fixes too.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; write nothing.")
@click.option("--statistics", is_flag=True, help="Print a count per rule instead of each diagnostic (in any format).")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when errors remain (bad input still exits 2).")
@click.option("-q", "--quiet", is_flag=True, help="Print the diagnostics only: no summary, no tally of fixes.")
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the text output; auto: on a terminal, unless NO_COLOR is set (FORCE_COLOR forces it).",
)
@click.option(
    "--show-source/--no-show-source",
    default=None,
    help="Show the source line, a caret and the fix under each diagnostic (default: on a terminal).",
)
@click.option("--check-links", is_flag=True, help="Also check that links and remote images answer (online).")
@click.option("--remap", multiple=True, metavar="'PATTERN REPLACEMENT'", help="Rewrite URLs before checking them.")
@click.option("--no-cache", is_flag=True, help="With --check-links, neither read nor write the link cache.")
@click.option(
    "--cache-dir",
    envvar="CARDLINT_CACHE_DIR",
    type=str,
    help="Keep the link cache here [env CARDLINT_CACHE_DIR] (default: the user's cache folder, as ~/.cache/cardlint).",
)
@click.option(
    "--stdin-filename", metavar="PATH", help="The name of the file read from standard input (-): for config and messages."
)
@click.option(
    "--changed-since",
    metavar="REF",
    help="Report (and fix) only what changed since this git revision: the edited cards, and new problems.",
)
@click.option("--list-rules", is_flag=True, help="List every rule and exit.")
@click.option("--list-cards", is_flag=True, help="List each card's tier, score and whether it is in place.")
@click.option("--explain", metavar="CODE", help="Print a rule's documentation and exit.")
@click.version_option(__version__, "-V", "--version", prog_name="cardlint")
def command(**options: object) -> None:
    """Check paper cards in review READMEs against their template.

    \b
    Commands:
      cardlint [check] PATH...  check the files (the default command)
      cardlint new PATH ...     add a card to a README from its own template
      cardlint rule CODE        print a rule's page (as --explain CODE)
      cardlint template PATH    print the schema in use (--infer: one inferred from the cards)
      cardlint sync PATH        record what arXiv and OpenReview say of each card (cardlint.lock.json)
      cardlint server           the language server, over stdio, for editors
    """
    raise SystemExit(run(**options))  # type: ignore[arg-type]


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("code")
def rule_command(code: str) -> None:
    """Print a rule's page: what it checks, why, an example, and how it fixes."""
    raise SystemExit(run_rule(code, "rule"))


def run_rule(code: str, where: str) -> int:
    from cardlint.docs import rule_page
    from cardlint.rules import all_rules
    from cardlint.template import suggest

    rules = all_rules()
    match = [rule for rule in rules if code.upper() == rule.code or code.lower() == rule.name]
    if not match:
        guess = suggest(code.lower(), tuple(rule.name for rule in rules))
        hint = f"; did you mean {next(r.code for r in rules if r.name == guess)} ({guess})?" if guess else ""
        raise UsageError(f"unknown rule '{code}'{hint} ({where})")
    click.echo(rule_page(match[0]), nl=False)
    return EXIT_OK


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("path", type=str)
@click.option("--arxiv", "arxiv_id", metavar="ID", help="Fetch the paper from arXiv (and --openreview ID) to fill the card.")
@click.option("--title", help="The paper's title (the Title row); with --arxiv, arXiv's.")
@click.option("--tier", help="The tier to put the card under (where the list has tiers); with --openreview, its decision's.")
@click.option("--name", help="The card heading (default: the title).")
@click.option("--paper-link", help="Paper Link row.")
@click.option("--openreview", help="OpenReview forum URL or id.")
@click.option("--github", help="Github row.")
@click.option("--authors", help="Authors row; with --arxiv, arXiv's.")
@click.option("--score", type=float, help="Average review score; placed in score order.")
@click.option("--config", "config_path", type=str, help="Use this config file instead of searching for one.")
def new_command(path: str, config_path: str | None, arxiv_id: str | None, **fields: object) -> None:
    """Add a card to a review README from its own template."""
    from cardlint.fix import write_atomically
    from cardlint.new import NewCard, add_card

    config = config_for(path, config_path)
    source = Source.read(path, config.max_file_size)
    scores = _scores(config)
    fetched = None
    if arxiv_id:
        fetched = _fetch_new_card(config, arxiv_id, fields)
    if not fields.get("title"):
        raise UsageError("--title is needed (or --arxiv) (new)")
    card = NewCard(**fields)  # type: ignore[arg-type]
    from cardlint.rules import all_rules

    added = add_card(source, config, card, scores, enabled_rules(config, all_rules()))
    write_atomically(path, source.encode(added.text), source.encode())
    if fetched is not None:
        from cardlint.lock import read_lock, write_lock

        papers = read_lock(path) or {}
        papers.update(fetched)
        write_lock(path, papers)
    under = f" under '{card.tier}'" if card.tier else ""
    click.echo(f"Added card '{card.name or card.title}'{under} at {path}:{added.line}.")
    if added.left_out:
        click.echo(f"Left out, as the template card has no place for them: the {', the '.join(added.left_out)} from arXiv.")
    if added.to_fill:
        click.echo("Still to write:")
        for diagnostic in added.to_fill:
            click.echo(f"  {path}:{diagnostic.line}:{diagnostic.column}: {diagnostic.message}")
    raise SystemExit(EXIT_OK)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("path", type=str)
@click.option("--infer", is_flag=True, help="Print a template card inferred from the cards themselves.")
@click.option("--write", is_flag=True, help="With --infer, append the inferred card to the README.")
@click.option("--config", "config_path", type=str, help="Use this config file instead of searching for one.")
def template_command(path: str, infer: bool, write: bool, config_path: str | None) -> None:
    """Print the template a README is checked against: where it is and its parts, in order."""
    from cardlint.locate import load
    from cardlint.schema import describe
    from cardlint.schema import infer as infer_card

    if write and not infer:
        raise UsageError("--write needs --infer (template)")
    config = config_for(path, config_path)
    source = Source.read(path, config.max_file_size)
    if not infer:
        loaded = load(source, config)
        if loaded.template is None:
            hint = "; 'cardlint template --infer' proposes one" if infer_card(source) else ""
            raise UsageError(f"no template card: not a review list{hint} ({path})")
        click.echo(describe(loaded, path), nl=False)
        raise SystemExit(EXIT_OK)
    card = infer_card(source)
    if card is None:
        raise UsageError(f"no two headings share key/value parts or numbered fields to infer a template from ({path})")
    if not write:
        click.echo(card, nl=False)
        raise SystemExit(EXIT_OK)
    template = load(source, config).template
    if template is not None:  # a second template card would be read as a card of the first
        raise UsageError(f"the list is checked against the template at {template.origin} already; nothing written ({path})")
    from cardlint.fix import write_atomically

    text = source.text
    separator = "" if not text else source.newline if text.endswith(("\n", "\r")) else source.newline * 2
    if text and not text.endswith((source.newline * 2, "\n\n")):
        separator = separator or source.newline
    added = text + separator + card.replace("\n", source.newline)
    write_atomically(path, source.encode(added), source.encode())
    click.echo(f"Appended a template card to {path} at line {len(source.lines) + (2 if separator else 1)}.")
    raise SystemExit(EXIT_OK)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("path", type=str)
@click.option("--refresh", is_flag=True, help="Ask the sources again for papers the lock file has.")
@click.option("--config", "config_path", type=str, help="Use this config file instead of searching for one.")
def sync_command(path: str, refresh: bool, config_path: str | None) -> None:
    """Record what arXiv and OpenReview say of each card in cardlint.lock.json beside the README."""
    from cardlint.lock import lock_path, read_lock, render_lock, write_lock
    from cardlint.sync import sync

    config = config_for(path, config_path)
    source = Source.read(path, config.max_file_size)
    before = read_lock(path)
    if sys.stderr.isatty() and not os.environ.get("CI"):
        with contextlib.ExitStack() as stack:

            def progress(total: int, _: int) -> Callable[[int], None]:
                bar = stack.enter_context(click.progressbar(length=total, label="Asking OpenReview", file=sys.stderr))
                return bar.update

            synced = sync(source, config, refresh, progress=progress)
    else:
        synced = sync(source, config, refresh)
    if before is None or render_lock(synced.papers) != render_lock(before):
        write_lock(path, synced.papers)
    for failure in synced.failures:
        click.echo(f"{path}:{failure.line}: could not fetch '{failure.title}': {failure.why}", err=True)
    fetched = f"{synced.fetched} paper{'s' if synced.fetched != 1 else ''} fetched"
    click.echo(f"{fetched} ({synced.requests} requests), {len(synced.papers)} in {lock_path(path)}.")
    raise SystemExit(EXIT_FOUND if synced.failures else EXIT_OK)


# What arXiv fills of a new card unless given: what ``cardlint new`` calls it, and its option's name.
_FETCHED = {"title": "title", "paper link": "paper_link", "authors": "authors"}


def _fetch_new_card(config: Config, arxiv_id: str, fields: dict[str, object]) -> dict[str, dict[str, object]]:
    """Fill ``fields`` of ``cardlint new`` from arXiv and OpenReview; the lock file entry to record."""
    import time

    from cardlint.lock import paper_key
    from cardlint.new import arxiv_bibtex
    from cardlint.sources import FetchError, Sources
    from cardlint.sync import arxiv_entry, openreview_entry
    from cardlint.urls import arxiv_id as find_arxiv_id
    from cardlint.urls import base_id, openreview_id

    wanted = base_id(find_arxiv_id(arxiv_id) or arxiv_id)
    forum_value = fields.get("openreview")
    forum = (openreview_id(str(forum_value)) or str(forum_value)) if forum_value else None
    client = Sources(config.sources)
    try:
        paper = client.arxiv([wanted]).get(wanted)
        answer = client.openreview([forum]).get(forum) if forum else None
    except FetchError as exc:
        raise UsageError(f"arXiv: {exc} (new --arxiv)") from None
    finally:
        client.close()
    if paper is None:
        raise UsageError(f"arXiv has no paper '{wanted}' (new --arxiv)")
    if isinstance(answer, FetchError):
        raise UsageError(f"OpenReview: {answer} (new --openreview)")
    if forum and answer is None:
        raise UsageError(f"OpenReview has no paper '{forum}' (new --openreview)")
    fetched = {"abstract", "BibTeX"} | {what for what, name in _FETCHED.items() if not fields.get(name)}
    fields["fetched"] = frozenset(fetched)
    fields["title"] = fields.get("title") or paper.title
    fields["paper_link"] = fields.get("paper_link") or f"https://arxiv.org/abs/{wanted}"
    fields["authors"] = fields.get("authors") or ", ".join(paper.authors)
    fields["abstract"] = paper.abstract
    fields["bibtex"] = arxiv_bibtex(wanted, paper.title, paper.authors, paper.published)
    entry: dict[str, object] = {"arxiv": arxiv_entry(paper), "openreview": None}
    if answer is not None:
        entry["openreview"] = openreview_entry(answer)
        if not fields.get("tier") and answer.decision:
            fields["tier"] = config.sources.decision_tiers.get(answer.decision)
        if fields.get("score") is None and answer.average is not None:
            fields["score"], fields["annotate"] = answer.average, False
    entry["fetched"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    key = paper_key({"openreview_id": forum, "arxiv_id": wanted, "title_key": None})
    assert key is not None
    return {key: entry}


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
def server_command() -> None:
    """Run the language server over stdio (diagnostics as you type, quick fixes, rule pages on hover)."""
    from cardlint.server import main as serve

    serve()
    raise SystemExit(EXIT_OK)


def run(
    paths: tuple[str, ...],
    output_format: str,
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    config_path: str | None,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    statistics: bool,
    exit_zero: bool,
    quiet: bool,
    color: str,
    show_source: bool | None,
    check_links: bool,
    remap: tuple[str, ...],
    no_cache: bool,
    cache_dir: str | None,
    stdin_filename: str | None,
    changed_since: str | None,
    list_rules: bool,
    list_cards: bool,
    explain: str | None,
) -> int:
    from cardlint.rules import all_rules

    rules = all_rules()
    if list_rules:
        for rule in rules:
            fixable = " [*]" if rule.fix is not None else ""
            click.echo(f"{rule.code}  {rule.name:<24} {rule.severity.value:<8} {rule.summary}{fixable}")
        return EXIT_OK
    if explain is not None:
        return run_rule(explain, "--explain")
    if not paths:
        raise UsageError("no file given (usage: cardlint [OPTIONS] PATH...)")
    configs: dict[str, Settings] = {}

    def settings_for(path: str) -> Settings:
        return _settings(path, config_path, rules, select, ignore, extend_select, configs)

    paths = _expand_folders(paths, settings_for)
    sources, unread, from_stdin = _read_sources(paths, stdin_filename, settings_for)
    reports: list[Diagnostic] = []
    fixed_total: Counter[str] = Counter()
    changed_any = refused = False
    checkers: dict[int, OnlineCheck] = {}
    untemplated: list[str] = []  # the files that declare no template
    links_on = check_links or any(config.check_links for config, _, _ in configs.values())
    _warn_about_options_without_effect(rules, links_on, remap, select, extend_select)
    if not sources:
        return EXIT_ERROR if unread else EXIT_OK
    if unread and (fix or diff):
        count = f"{unread} file{'s' if unread != 1 else ''}"
        _error(f"nothing written: {count} could not be read; the others are only checked")
        fix = diff = False
    for path, source in sources.items():
        config, scores, chosen = settings_for(path)
        online = None
        if check_links or config.check_links:
            # One checker per config: verdicts and the link cache carry over from file to file.
            if id(config) not in checkers:
                links_cache = None if no_cache else os.path.join(_cache_folder(cache_dir), "links.json")
                checkers[id(config)] = _link_checker(config, remap, links_cache, progress=output_format == "text")
            online = checkers[id(config)]
        own = _own_problems(path, changed_since, config, chosen, scores, rules, online)
        if list_cards:
            _print_cards(path, lint_source(source, config, chosen, scores, known=rules), output_format)
            continue
        if fix or diff:
            from cardlint.fix import FixRefused, fix_source, write_atomically

            try:
                outcome = fix_source(
                    source, config, chosen, unsafe=unsafe_fixes, scores=scores, online=online, known=rules, only=own
                )
            except FixRefused as exc:
                # Nothing is written; the file's problems are still reported and the run fails.
                _error(f"refusing to fix: {exc}; nothing written ({path})")
                refused = True
                reports.extend(_reported(lint_source(source, config, chosen, scores, online, rules), own))
                continue
            assert outcome.result is not None
            if outcome.changed:
                changed_any = True
                if diff:
                    bom = BOM if source.bom else ""  # the file's first line holds it, for patch to match
                    click.echo(_unified_diff(path, bom + source.text, bom + outcome.text), nl=False)
                else:
                    if path == from_stdin:
                        sys.stdout.buffer.write(outcome.encoded())  # the fixed text is the output
                        sys.stdout.flush()
                    else:
                        write_atomically(path, outcome.encoded(), source.encode())
                    sources[path] = outcome.result.document.source  # the fixed text, already split into lines
                    fixed_total += outcome.fixed
            reports.extend(_reported(outcome.result, own))
            untemplated += [path] if outcome.result.template is None else []
        else:
            result = lint_source(source, config, chosen, scores, online, rules)
            reports.extend(_reported(result, own))
            untemplated += [path] if result.template is None else []
    if list_cards:
        return EXIT_ERROR if unread else EXIT_OK
    if untemplated and len(paths) == 1 and output_format == "text" and not quiet:
        # One file named and it is no review list: say why nothing was checked (never in machine output),
        # and how to get a template where the cards share enough parts to propose one.
        from cardlint.schema import infer

        note = f"note: {untemplated[0]} has no template card, so it is not checked as a review list"
        if infer(sources[untemplated[0]]):
            note += f"; 'cardlint template --infer {untemplated[0]}' proposes one"
        click.echo(note, err=True)
    if diff:
        return EXIT_FOUND if changed_any or refused else EXIT_OK
    # With the fixed text of standard input on stdout, the report goes to stderr.
    report_err = fix and from_stdin is not None
    if fix and fixed_total and not quiet:
        details = ", ".join(f"{code} ×{count}" for code, count in sorted(fixed_total.items()))
        total = sum(fixed_total.values())
        # Machine-readable output stays parseable: the tally goes to stderr there.
        click.echo(f"Fixed {total} problem{'s' if total != 1 else ''} ({details}).", err=report_err or output_format != "text")
    _print_report(reports, rules, sources, output_format, statistics, unsafe_fixes, color, show_source, quiet, report_err)
    if unread:
        return EXIT_ERROR
    failed = refused or any(d.severity is Severity.ERROR for d in reports)
    return EXIT_FOUND if failed and not exit_zero else EXIT_OK


def _read_sources(
    paths: Sequence[str], stdin_filename: str | None, settings_for: Callable[[str], Settings]
) -> tuple[dict[str, Source], int, str | None]:
    """Every file read before any is checked: one that cannot be is reported (and counted), the
    others are still checked, and with --fix none is written (a run that failed on some input
    changes nothing). Returns the sources, how many could not be read, and the name standard
    input goes by when it is read (``-``)."""
    sources: dict[str, Source] = {}
    unread = 0
    from_stdin: str | None = None
    for given in paths:
        path = (stdin_filename or "-") if given == "-" else given
        config = settings_for(path)[0]
        try:
            if given == "-":
                if from_stdin is not None:
                    raise UsageError("standard input is named twice (-)")
                sources[path] = Source.from_bytes(_read_stdin(config.max_file_size), path)
                from_stdin = path
            else:
                sources[path] = Source.read(path, config.max_file_size)
        except UsageError as exc:
            _error(str(exc))
            unread += 1
    return sources, unread, from_stdin


def _print_report(
    reports: list[Diagnostic],
    rules: Sequence[type[Rule]],
    sources: dict[str, Source],
    output_format: str,
    statistics: bool,
    unsafe_fixes: bool,
    color: str,
    show_source: bool | None,
    quiet: bool,
    err: bool,
) -> None:
    """The diagnostics in the chosen format, on stdout (stderr when ``err``: the fixed text of
    standard input is the output)."""
    if statistics and output_format in ("text", "json", "github"):
        click.echo(render_statistics(reports, unsafe_fixes, output_format), nl=False, err=err)
    elif output_format == "json":
        click.echo(render_json(reports), nl=False, err=err)
    elif output_format == "github":
        click.echo(render_github(reports), nl=False, err=err)
        _write_job_summary(reports)
    elif output_format == "sarif":
        from cardlint.sarif import render_sarif

        # With --statistics, the counts ride along in the run's property bag.
        click.echo(render_sarif(reports, rules, sources, with_statistics=statistics), nl=False, err=err)
    else:
        styled = _colour(color)
        excerpts = sys.stdout.isatty() if show_source is None else show_source
        # After --fix the sources are the fixed texts: excerpts show them, as the positions do.
        shown = {path: source.lines for path, source in sources.items()} if excerpts else None
        click.echo(render_text(reports, unsafe_fixes, shown, styled=styled, quiet=quiet), nl=False, color=styled, err=err)


def _expand_folders(paths: Sequence[str], settings_for: Callable[[str], Settings]) -> tuple[str, ...]:
    """Each folder among ``paths`` as the Markdown files in it (see cardlint.paths)."""
    from cardlint.paths import expand

    files: list[str] = []
    for path in paths:
        if path == "-" or not os.path.isdir(path):
            files.append(path)
            continue
        config = settings_for(os.path.join(path, "README.md"))[0]
        found = expand([path], config.exclude, config.root)
        if not found:
            click.echo(f"warning: no Markdown file in {path}", err=True)
        files.extend(found)
    return tuple(files)


def _own_problems(
    path: str,
    changed_since: str | None,
    config: Config,
    chosen: Sequence[type[Rule]],
    scores: ScoreTable | None,
    rules: Sequence[type[Rule]],
    online: OnlineCheck | None,
) -> Callable[[LintResult], Sequence[Diagnostic]] | None:
    """With --changed-since, what picks a result's diagnostics that the change brought (None: all).
    The file at REF is checked as now, links included (the checker asks about each URL once a run)."""
    if changed_since is None:
        return None
    from cardlint.changes import baseline

    def lint(source: Source) -> tuple[Document, Sequence[Diagnostic]]:
        result = lint_source(source, config, chosen, scores, online, rules)
        return result.document, result.diagnostics

    before = baseline(path, changed_since, lint)
    if before is None:
        return None  # a file new since REF is checked whole

    def own(result: LintResult) -> Sequence[Diagnostic]:
        return before.new_problems(result.document, result.diagnostics)

    return own


def _reported(result: LintResult, own: Callable[[LintResult], Sequence[Diagnostic]] | None) -> Sequence[Diagnostic]:
    return result.diagnostics if own is None else own(result)


def _write_job_summary(reports: Sequence[Diagnostic]) -> None:
    """In a GitHub Actions job (``GITHUB_STEP_SUMMARY`` names a file), append the run's summary."""
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary_file:
        return
    from cardlint.report import job_summary

    try:
        with open(summary_file, "a", encoding="utf-8") as handle:
            handle.write(job_summary(reports))
    except OSError as exc:
        raise UsageError(f"cannot write the job summary: {exc.strerror or exc} ({summary_file})") from None


def _read_stdin(max_bytes: int) -> bytes:
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UsageError(f"standard input is over the {max_bytes:,}-byte limit (config max-file-size) (-)")
    return data


def _colour(choice: str) -> bool:
    """Whether text output is coloured: --color, else NO_COLOR / FORCE_COLOR (no-color.org), else a terminal."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def _warn_about_options_without_effect(
    rules: Sequence[type[Rule]], check_links: bool, remap: Sequence[str], select: Sequence[str], extend_select: Sequence[str]
) -> None:
    """Say so when an option cannot do anything in this run (a config may still turn links on)."""
    from cardlint.decide import selects

    if check_links:
        return
    if remap:
        click.echo("warning: --remap has no effect without --check-links (or check-links = true)", err=True)
    for selector in _split(select) + _split(extend_select):
        chosen = [rule for rule in rules if selects(selector, rule.code, rule.name)]
        if chosen and all(rule.code.startswith("CL8") for rule in chosen):
            click.echo(f"warning: '{selector}' selects rules that only report with --check-links", err=True)


Settings = tuple[Config, "ScoreTable | None", "list[type[Rule]]"]


def _settings(
    path: str,
    config_path: str | None,
    rules: Sequence[type[Rule]],
    select: Sequence[str],
    ignore: Sequence[str],
    extend_select: Sequence[str],
    memo: dict[str, Settings],
) -> Settings:
    """(config, scores, rules to run) for a file; files in one folder (or one --config) share them."""
    key = config_path or os.path.dirname(os.path.abspath(path))
    if key not in memo:
        config = config_for(path, config_path)
        chosen = enabled_rules(config, rules, _split(select) or None, _split(ignore), _split(extend_select))
        memo[key] = (config, _scores(config), chosen)
    return memo[key]


def _scores(config: Config) -> ScoreTable | None:
    """The config's scores file, read (imported only when there is one)."""
    if not config.scores:
        return None
    from cardlint.scores import scores_for

    return scores_for(config.scores, config.root)


def _cache_folder(cache_dir: str | None) -> str:
    """Where the link cache lives: ``--cache-dir``, else the user's cache folder, never one inside the
    repository that a pull request could have committed (its verdicts would be believed)."""
    if cache_dir:
        return cache_dir
    from platformdirs import user_cache_dir

    return user_cache_dir("cardlint", appauthor=False)


def _link_checker(config: Config, remap: Sequence[str], links_cache: str | None, progress: bool) -> OnlineCheck:
    """The ``online`` step for lint_source: collect links, check the ones not checked yet this run."""
    from cardlint.online import LinkChecker, collect_links

    checker = LinkChecker(config.links, links_cache, remap)
    verdicts: dict[str, Verdict] = {}
    show = progress and sys.stderr.isatty() and not os.environ.get("CI")

    def online(document: Document) -> tuple[list[Link], dict[str, Verdict]]:
        found = collect_links(document)
        fresh = [link for link in found if link.url not in verdicts]
        if fresh and show:
            count = len({link.url for link in fresh})
            with click.progressbar(length=count, label="Checking links", file=sys.stderr) as bar:
                verdicts.update(checker.check(fresh, bar.update))
        elif fresh:
            verdicts.update(checker.check(fresh))
        return found, verdicts

    return online


def _print_cards(path: str, result: LintResult, output_format: str) -> None:
    from cardlint.rules.ordering import card_placements

    rows = card_placements(result.context)
    if output_format == "json":
        import json

        click.echo(json.dumps([{"path": path, **row} for row in rows], indent=2, ensure_ascii=False))
        return
    width = max([len(row["tier"] or "-") for row in rows] + [4])
    click.echo(f"{'line':>5}  {'tier':<{width}}  {'score':>6}  {'in place':<8}  title")
    for row in rows:
        score = "-" if row["score"] is None else f"{row['score']:.2f}"
        place = {None: "-", True: "yes", False: "no"}[row["in_place"]]
        click.echo(f"{row['line']:>5}  {row['tier'] or '-':<{width}}  {score:>6}  {place:<8}  {row['title']}")


def _unified_diff(path: str, before: str, after: str) -> str:
    """The change as ``patch`` applies it: lines end at LF only (a CR stays part of its line), and a
    last line without one is marked, as diff marks it."""
    import difflib

    def patch_lines(text: str) -> list[str]:
        found = [line + "\n" for line in text.split("\n")]
        found[-1] = found[-1][:-1]  # what follows the last LF: a last line without one, or nothing
        return found if found[-1] else found[:-1]

    diff = difflib.unified_diff(patch_lines(before), patch_lines(after), path, path)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in diff)


def main(argv: Sequence[str] | None = None) -> int:
    """Run cardlint as a command; returns the exit code instead of exiting."""
    args = list(sys.argv[1:] if argv is None else argv)
    # `check` (the default), `new`, `rule` and `template` are commands; `cardlint PATH...` is `cardlint check PATH...`
    # (a file named like a command is written ./new).
    commands = {
        "check": command,
        "new": new_command,
        "rule": rule_command,
        "sync": sync_command,
        "template": template_command,
        "server": server_command,
    }
    chosen, prog = command, "cardlint"
    if args[:1] and args[0] in commands:
        chosen, prog, args = commands[args[0]], f"cardlint {args[0]}", args[1:]
    try:
        chosen.main(args=args, prog_name=prog, standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.ClickException as exc:
        _error(exc.format_message())
        return EXIT_ERROR
    except UsageError as exc:
        _error(str(exc))
        return EXIT_ERROR
    except click.Abort:
        _error("aborted")
        return EXIT_ERROR
    except KeyboardInterrupt:
        _error("interrupted")
        return EXIT_ERROR
    return EXIT_OK
