"""The rule registry: built-ins in an explicit order, plus rules from the ``cardlint.rules`` entry points."""

from __future__ import annotations

import inspect
import os
import re
import sys
from typing import TYPE_CHECKING

from cardlint.diagnostic import FixSafety, Severity
from cardlint.errors import UsageError
from cardlint.rules import details, document, entries, fields, images, links, online, ordering, sources, table
from cardlint.rules.base import Context, Rule

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

# Codes are stable: a retired rule keeps its line here as a comment so its code is never reused.
BUILTIN_RULES: tuple[type[Rule], ...] = (
    document.UnknownTier,  # CL101
    document.CardOutsideTier,  # CL102
    document.CardHeadingLevel,  # CL103
    document.EmptyCard,  # CL104
    document.DuplicateCard,  # CL105
    document.UnusedDirective,  # CL106
    document.StaleTemplate,  # CL107
    document.CardAfterTemplate,  # CL108
    document.UnclosedBlock,  # CL109
    document.BrokenHeading,  # CL110
    table.MissingTable,  # CL201
    table.MissingDelimiterRow,  # CL202
    table.MissingRow,  # CL203
    table.UnknownRow,  # CL204
    table.DuplicateRow,  # CL205
    table.RowOrder,  # CL206
    table.RowKeySpelling,  # CL207
    table.RowPipes,  # CL208
    table.EmptyValue,  # CL209
    table.TableCutByComment,  # CL210
    table.ValueNotAllowed,  # CL211
    table.RowCutOff,  # CL212
    table.TableRunOn,  # CL213
    table.TableInHtml,  # CL214
    fields.MissingField,  # CL301
    fields.FieldNumber,  # CL302
    fields.FieldOrder,  # CL303
    fields.FieldLabelNotBold,  # CL304
    fields.FieldLabelSpelling,  # CL305
    fields.EmptyFieldBody,  # CL306
    fields.UnknownField,  # CL307
    fields.FieldMarker,  # CL308
    fields.FieldInHtml,  # CL309
    fields.FieldInParagraph,  # CL310
    links.LinkNotUrl,  # CL401
    links.LinkScheme,  # CL402
    links.PaperLink,  # CL403
    links.OpenReviewLink,  # CL404
    links.ArxivLink,  # CL405
    links.GithubLink,  # CL406
    links.ArxivBibtexMismatch,  # CL407
    links.MissingLink,  # CL408
    images.ImageMissing,  # CL501
    images.ImageOutsideRepo,  # CL502
    images.ImageCase,  # CL503
    images.ImageAlt,  # CL504
    images.NoImage,  # CL505
    images.ImageSyntax,  # CL506
    details.MissingDetails,  # CL601
    details.DetailsSummary,  # CL602
    details.DetailsUnbalanced,  # CL603
    details.BibtexSyntax,  # CL604
    details.BibtexTitle,  # CL605
    ordering.TierOrder,  # CL701
    ordering.CardOrder,  # CL702
    ordering.MissingScore,  # CL703
    online.DeadLink,  # CL801
    online.RedirectedLink,  # CL802
    online.SkippedLink,  # CL803
    online.RemoteImageType,  # CL804
    sources.UnknownSourceId,  # CL901
    sources.TitleDiffers,  # CL902
    sources.AuthorsDiffer,  # CL903
    sources.TierDecision,  # CL904
    entries.EntryLinkBrackets,  # CL951
    entries.EntryLinkTarget,  # CL952
    entries.EntryOpenEmphasis,  # CL953
    entries.EmptyEntry,  # CL954
    entries.EntryMissingLink,  # CL955
    entries.EntrySplit,  # CL956
    entries.EntryMissingPart,  # CL957
)

ENTRY_POINT_GROUP = "cardlint.rules"
CODE_PATTERN = re.compile(r"^[A-Z]{1,4}[0-9]{3,4}$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")

__all__ = ["BUILTIN_RULES", "Context", "Rule", "all_rules", "validate_rule"]


def validate_rule(rule: object, origin: str) -> type[Rule]:
    """Check a rule class against the contract; a broken one is a usage error naming where it came from."""

    def bad(problem: str) -> UsageError:
        return UsageError(f"invalid rule: {problem} ({origin})")

    if not (inspect.isclass(rule) and issubclass(rule, Rule)):
        raise bad("not a subclass of cardlint.api.Rule")
    for attribute in ("code", "name", "summary"):
        if not isinstance(getattr(rule, attribute, None), str):
            raise bad(f"missing class attribute '{attribute}'")
    if not CODE_PATTERN.match(rule.code):
        raise bad(f"code '{rule.code}' is not letters followed by digits, like CL201")
    if not NAME_PATTERN.match(rule.name):
        raise bad(f"name '{rule.name}' is not kebab-case")
    if not isinstance(rule.severity, Severity):
        raise bad("severity is not a cardlint Severity")
    if rule.fix is not None and not isinstance(rule.fix, FixSafety):
        raise bad("fix is neither None nor a cardlint FixSafety")
    if rule.check_card is Rule.check_card and rule.check_document is Rule.check_document:
        raise bad("overrides neither check_card nor check_document")
    return rule


def _declared(group: str) -> bool:
    """Does any installed distribution declare ``group``? A plain scan of the installed
    distributions' entry_points.txt: importing importlib.metadata takes about 50 ms, more than
    the rest of a pre-commit run on a typical README (see the README's Performance section)."""
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(folder or ".", name, "entry_points.txt"), encoding="utf-8") as handle:
                    if f"[{group}]" in handle.read():
                        return True
            except (OSError, UnicodeDecodeError):
                continue
    return False


def entry_points(group: str) -> list[EntryPoint]:
    """The entry points of ``group`` (importlib.metadata, loaded only when some are declared)."""
    if not _declared(group):
        return []
    from importlib.metadata import entry_points as installed

    return list(installed(group=group))


def plugin_rules() -> list[type[Rule]]:
    found: list[type[Rule]] = []
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        origin = f"entry point '{entry.name}' of {entry.dist.name if entry.dist else entry.value}"
        try:
            loaded = entry.load()
        except (Exception, SystemExit) as exc:  # a plugin can fail in any way on import, even exit
            what = f"it exited ({exc.code})" if isinstance(exc, SystemExit) else f"{type(exc).__name__}: {exc}"
            raise UsageError(f"cannot load rule plugin: {what} ({origin})") from None
        found.append(validate_rule(loaded, origin))
    return found


def all_rules() -> list[type[Rule]]:
    """Built-ins then plugins; codes and names must be unique across both."""
    rules = [*BUILTIN_RULES, *plugin_rules()]
    seen: dict[str, type[Rule]] = {}
    for rule in rules:
        for key in (rule.code, rule.name):
            if key in seen and seen[key] is not rule:
                raise UsageError(
                    f"invalid rule: '{key}' is used by both {seen[key].__module__}.{seen[key].__name__} "
                    f"and {rule.__module__}.{rule.__name__} (rule registry)"
                )
            seen[key] = rule
    return rules
