"""The student simulation: hand every wrong answer of the check catalogue to its check, count.

    python scripts/simulate_students.py                  # the counts per notebook, and misses
    python scripts/simulate_students.py --write-teaching # also TEACHING.md's list of mistakes

Every :class:`Wrong` entry of ``tests/catalogue`` (one module per notebook, see
``catalogue.MODULES``; a module not written yet is left out) is a deliberately wrong
answer, of the kinds students hand in, or a way to game the check. For each notebook this
counts

* **wrong answers**: the entries;
* **rejected**: the check raised ``CheckFailed`` (an answer it accepts, or a crash inside
  the check, is not rejected);
* **named**: rejected with every phrase of ``says`` in the message (the wrong quantity and
  the mistake);
* **led to the fix**: named, and the message holds the phrase ``fix`` that says what to do;

and lists every answer that gets through, is not named or not led to the fix. The right
variants (``Right``) must all pass; any that fails is listed too. The exit status is 1 when
a wrong answer gets through or a right one fails.

``--write-teaching`` writes the list of the mistakes each check names, from the same
entries, between the markers ``<!-- mistakes:begin -->`` and ``<!-- mistakes:end -->`` of
TEACHING.md; ``tests/test_check_catalogue.py`` checks that it is up to date.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEACHING = ROOT / "TEACHING.md"
BEGIN = "<!-- mistakes:begin: generated from tests/catalogue by " \
        "`python scripts/simulate_students.py --write-teaching`; do not edit by hand -->"
END = "<!-- mistakes:end -->"

if str(ROOT / "tests") not in sys.path:  # the catalogue and the right answers it builds on
    sys.path.insert(0, str(ROOT / "tests"))


@dataclass
class Outcome:
    """What the check did with one wrong answer."""

    module: str
    notebook: str
    wrong: object  # catalogue.Wrong
    rejected: bool
    named: bool
    fixed: bool
    message: str


def entries() -> dict[str, object]:
    """The catalogue modules that exist, by name."""
    from catalogue import MODULES, load

    return {name: module for name in MODULES if (module := load(name)) is not None}


def run_wrong(module: str, wrong) -> Outcome:
    """Hand one wrong answer to its check."""
    from catalogue import notebook_of

    from backprop.checks import CheckFailed

    try:
        with contextlib.redirect_stdout(io.StringIO()):
            wrong.run()
    except CheckFailed as exc:
        message = str(exc)
    except Exception as exc:  # a crash inside the check is not a rejection
        return Outcome(module, notebook_of(wrong.check), wrong, False, False, False,
                       f"{type(exc).__name__}: {exc}")
    else:
        return Outcome(module, notebook_of(wrong.check), wrong, False, False, False,
                       "accepted")
    named = all(phrase in message for phrase in wrong.says) \
        and not any(phrase in message for phrase in wrong.never_says)
    fixed = named and bool(wrong.fix) and wrong.fix in message
    return Outcome(module, notebook_of(wrong.check), wrong, True, named, fixed, message)


def run_right(right) -> str | None:
    """None when the right variant passes its check, else what went wrong."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            right.run()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def report(outcomes: list[Outcome], failed_rights: list[tuple[object, str]],
           n_right: int) -> str:
    """The table of counts per notebook and the list of misses, as printed."""
    by_notebook = defaultdict(list)
    for o in outcomes:
        by_notebook[o.notebook].append(o)
    lines = [f"{'notebook':<9}{'wrong answers':>14}{'rejected':>10}{'named':>7}"
             f"{'led to the fix':>16}{'(of them gaming)':>18}"]
    rows = sorted(by_notebook.items()) + [("all", outcomes)]
    for notebook, group in rows:
        gaming = [o for o in group if o.wrong.gaming]
        lines.append(f"{notebook:<9}{len(group):>14}{sum(o.rejected for o in group):>10}"
                     f"{sum(o.named for o in group):>7}{sum(o.fixed for o in group):>16}"
                     f"{f'{sum(o.rejected for o in gaming)}/{len(gaming)} rejected':>18}")
    lines.append(f"right variants: {n_right - len(failed_rights)} of {n_right} pass")
    for title, misses in [
        ("gets through (accepted, or the check crashed)", [o for o in outcomes
                                                           if not o.rejected]),
        ("rejected but not named", [o for o in outcomes if o.rejected and not o.named]),
        ("named but not led to the fix", [o for o in outcomes if o.named and not o.fixed]),
    ]:
        if misses:
            lines.append(f"\n{title}: {len(misses)}")
            lines += [f"  {o.notebook} {o.wrong.check}: {o.wrong.mistake}\n"
                      f"      {o.message.splitlines()[0][:160]}" for o in misses]
    if failed_rights:
        lines.append(f"\nright variants rejected: {len(failed_rights)}")
        lines += [f"  {r.check}: {r.variant}\n      {why.splitlines()[0][:160]}"
                  for r, why in failed_rights]
    return "\n".join(lines)


def teaching_section(modules: dict[str, object]) -> str:
    """TEACHING.md's list of the mistakes each check names, markers included."""
    from catalogue import notebook_of

    by_check: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for module in modules.values():
        for w in module.WRONG:
            by_check[notebook_of(w.check)][w.check].append(w)
    lines = [BEGIN, ""]
    for notebook in sorted(by_check):
        total = sum(len(ws) for ws in by_check[notebook].values())
        lines.append(f"**Notebook {notebook}** ({total} wrong answers, each rejected by name "
                     "in a test):")
        lines.append("")
        for check, ws in by_check[notebook].items():
            honest = "; ".join(w.mistake for w in ws if not w.gaming)
            gamed = "; ".join(w.mistake for w in ws if w.gaming)
            line = f"* `{check}`: {honest}" if honest else f"* `{check}`:"
            if gamed:
                line += f". Ways to game it, rejected too: {gamed}"
            lines.append(line + ".")
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def with_section(text: str, section: str) -> str:
    """``text`` (TEACHING.md) with the part between the markers replaced by ``section``."""
    start = text.index("<!-- mistakes:begin")
    end = text.index(END) + len(END)
    return text[:start] + section + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write-teaching", action="store_true",
                        help="rewrite TEACHING.md's generated list of mistakes")
    args = parser.parse_args(argv)
    modules = entries()
    outcomes = [run_wrong(name, w) for name, module in modules.items() for w in module.WRONG]
    rights = [r for module in modules.values() for r in module.RIGHT]
    failed = [(r, why) for r in rights if (why := run_right(r)) is not None]
    print(f"catalogue modules: {', '.join(modules)}")
    print(report(outcomes, failed, len(rights)))
    if args.write_teaching:
        text = TEACHING.read_text(encoding="utf-8")
        new = with_section(text, teaching_section(modules))
        if new != text:
            tmp = TEACHING.with_suffix(".md.tmp")
            tmp.write_text(new, encoding="utf-8")
            tmp.replace(TEACHING)  # atomic
        print(f"\n{TEACHING.name}: the list of mistakes is "
              f"{'rewritten' if new != text else 'already up to date'}")
    return 1 if failed or any(not o.rejected for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
