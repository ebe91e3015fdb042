"""The ``evaltools`` command.

    evaltools run evaluations/herefordshire.yaml   execute an evaluation's notebooks
        [--la 884,919 | --region "West Midlands"] [--jobs N]
    evaltools validate FOLDER                      read and check SSDA903 extracts
    evaltools synth --out DIR [--config FILE]      generate a synthetic 903 extract
    evaltools areas [QUERY]                        list LAs, or find one
    evaltools measures                             list the measure registry

A user mistake prints one line, ``evaltools: error: ...``, and exits with status 2.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from . import __version__
from .errors import ConfigError, EvaltoolsError
from .wording import count


def _cmd_run(args) -> int:
    from . import outputs, runner

    for name in ("la", "region", "run_id", "reports_dir"):
        value = getattr(args, name)
        if value is not None and not value.strip():      # "" from an unset shell variable
            flag = "--" + name.replace("_", "-")
            raise ConfigError(f"{flag} is empty", fix=f"Give a value, or leave {flag} out")
    if args.la and args.region:
        raise ConfigError("--la and --region are both given",
                          fix="Use --la for a list of LAs (884,919,342) or --region for every LA in a region")
    runner.worker_count(args.jobs, 1)           # a bad --jobs is a one-line error before anything runs
    las = runner.region_las(args.region) if args.region else \
        runner.parse_las(args.la) if args.la else None
    if las is None or (len(las) == 1 and not args.region):
        res = runner.run_evaluation(args.evaluation, la_override=las[0] if las else None,
                                    run_id=args.run_id, out_root=args.reports_dir, jobs=args.jobs)
        print(f"evaltools: wrote {res.out_dir}")
        for o in res.outcomes:
            for p in o.outputs:
                print(f"  {p}")
        if (res.out_dir / runner.WORKBOOK).is_file():
            print(f"  {res.out_dir / runner.WORKBOOK}")
        index = res.out_dir / outputs.CHARTS / outputs.CHART_INDEX
        if index.is_file():
            n = sum(o.charts for o in res.outcomes)
            print(f"  {index.parent}/ ({count(n, 'chart')} as SVG files for a board paper; "
                  f"{outputs.CHART_INDEX} gives each one's alt text)")
        print(f"  {res.manifest_path}")
        failed = [f"{o.stem or o.notebook} ({o.error})" for o in res.outcomes if not o.ok]
        if failed:
            print(f"evaltools: {len(failed)} notebook(s) failed: {'; '.join(failed)}", file=sys.stderr)
            return 1
        return 0
    batch = runner.run_batch(args.evaluation, las, run_id=args.run_id, out_root=args.reports_dir,
                             jobs=args.jobs)
    n_ok = sum(r.ok for r in batch.runs)
    print(f"evaltools: {len(batch.runs)} LA(s) in {batch.seconds:.1f} s on {batch.workers} "
          f"worker(s): {n_ok} complete, {len(batch.runs) - n_ok} with failures")
    for r in batch.runs:
        bad = [o for o in r.outcomes if not o.ok]
        state = "ok" if not bad else f"{len(bad)} of {len(r.outcomes)} notebook(s) failed"
        print(f"  {r.evaluation.la} {_la_name(r.evaluation.la):<28} {state:<28} {r.out_dir}")
    failed = [f"{r.evaluation.la} {o.stem or o.notebook} ({o.error})" for r in batch.runs for o in r.outcomes
              if not o.ok]
    if failed:
        print(f"evaltools: {len(failed)} notebook(s) failed: {'; '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _cmd_areas(args) -> int:
    from .areas import local_authorities, resolve_la, search_las

    if args.query:
        found = search_las(args.query) or [resolve_la(args.query)]     # none: the error's suggestions
        for a in found:
            print(f"{a.area_code}\t{a.area_name}\t{a.ons_code}\t{a.region_name}\t"
                  f"{a.first_period}-{a.last_period}")
        return 0
    for r in local_authorities().itertuples():
        print(f"{r.area_code}\t{r.area_name}\t{r.ons_code}\t{r.region_name}\t"
              f"{r.first_period}-{r.last_period}")
    return 0


def _cmd_measures(args) -> int:
    if args.local:
        from . import local
        if args.topic:
            raise ConfigError("--topic and --local together", fix="Local measures have no topic: give one of them")
        print("id\tkind\tunit\tpolarity\ttitle")
        for d in local.definitions().values():
            print(f"{d.id}\t{d.kind}\t{d.unit}\t{d.polarity}\t{d.title}")
        return 0
    from .registry import measures

    listed = measures(args.topic)        # an unknown topic is said before any header
    print("id\ttopic\tunit\tpolarity\ttitle")       # tab-separated, for a spreadsheet too
    for m in listed:
        print(f"{m.id}\t{m.topic}\t{m.unit}\t{m.polarity}\t{m.title}")
    return 0


def _issues_path(issues: str | None, folder: str) -> None:
    """Refuse, before the extract is read, an ``--issues`` file that would overwrite an
    input or land where the next read takes it for a table, or cannot be written."""
    from pathlib import Path

    if not issues:
        return
    out, src = Path(issues).resolve(), Path(folder).resolve()
    if out == src or src in out.parents:
        raise ConfigError(f"--issues {issues} is inside the extract folder {folder}",
                          fix="Write it outside the extract (input files are never modified, and the next "
                              "read would take it for a 903 table), e.g. --issues issues.csv")
    if out.is_dir():
        raise ConfigError(f"--issues {issues} is a folder", fix="Give a file name, e.g. --issues issues.csv")
    if not out.parent.is_dir():
        raise ConfigError(f"--issues {issues}: folder {out.parent} does not exist",
                          fix="Create it first, or give a file in an existing folder")
    if out.exists() and not _is_issues_table(out):
        raise ConfigError(f"--issues {issues} already exists and is not an issues table evaltools wrote",
                          fix="Give a new file name (it would be overwritten), or remove it first")
    try:                            # can it be written? (the check, not the extract, takes time)
        with open(out, "a", encoding="utf-8"):
            pass
    except OSError as e:
        raise ConfigError(f"cannot write --issues {issues} ({e.strerror or e})",
                          fix="Give a file in a folder you can write to") from None
    finally:
        if out.exists() and out.stat().st_size == 0:
            out.unlink()


def _is_issues_table(path) -> bool:
    """Whether a file is empty or starts with the header of an issues table."""
    from .ssda903.extract import ISSUE_COLUMNS
    try:
        with open(path, encoding="utf-8") as fh:
            first = fh.readline().strip()
    except (OSError, UnicodeDecodeError):
        return False
    return first in ("", ",".join(ISSUE_COLUMNS))


def _cmd_validate(args) -> int:
    from .ssda903 import read_extract

    _issues_path(args.issues, args.folder)
    if args.workers is not None and args.workers < 1:
        raise ConfigError(f"--workers is {args.workers}", fix="Give 1 or more (default: the number of CPU cores)")
    ex = read_extract(args.folder, year=args.year, workers=args.workers)
    years = ", ".join(str(y) for y in ex.years)
    print(f"evaltools: read {count(len(ex.files), 'file')} from {args.folder} for collection "
          f"year{'s' if len(ex.years) != 1 else ''} {years}")
    for f in ex.files:
        fixes = f" (fixed: {'; '.join(f.fixes)})" if f.fixes else ""
        print(f"  {f.year}  {f.table:<15} {f.rows:>9,} rows  {f.path.name}{fixes}")
    errors = int((ex.issues["severity"] == "error").sum())
    warnings = int((ex.issues["severity"] == "warning").sum())
    print(f"Issues: {errors:,} error(s), {warnings:,} warning(s)")
    first = ex.issues.drop_duplicates(["check", "severity", "table"]).set_index(["check", "severity", "table"])
    for r in ex.issue_summary().itertuples():
        print(f"  {r.severity:<8} {r.check:<24} {r.table:<15} {r.issues:>7,} rows, {r.children:,} children")
        e = first.loc[(r.check, r.severity, r.table)]      # the first, to say what the check found
        where = f"{e['year']}" + (f" row {e['row']}" if int(e["row"]) else "")
        print(f"           {'e.g. ' if r.issues > 1 else ''}{where}: {e['message']}")
    left_out = [f"  {t:<15} {r.year}: {r.excluded:,} of {r.rows:,}"
                for t in ex.tables for r in ex.excluded(t).itertuples() if r.excluded]
    print("Rows left out of measures because of errors:" if left_out else
          "Rows left out of measures because of errors: none")
    for line in left_out:
        print(line)
    from .ssda903.extract import CORE_TABLES
    lacking = [t for t in CORE_TABLES if t not in ex.tables]
    if lacking:         # read for a check (assumption S7); a run would refuse it
        print(f"evaltools: note: no {' or '.join(lacking)} table in any year: a partial extract, checked as it is; "
              "the reports' child-level measures need the whole return (a run of a topic report or an impact review "
              "refuses it)")
    if args.issues:
        # personal data still: a row number and the file name find the child in the
        # extract, so the file is this user's only (mode 0600), as the extract should be
        fd = os.open(args.issues, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)               # an issues table written before, readable by others
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            ex.issues.to_csv(fh, index=False)
        print(f"evaltools: wrote the issues table to {args.issues} (child ids are pseudonymised, but a row "
              "number finds the child in the extract: personal data, readable by you only)")
    return 1 if (args.strict and errors) else 0


def _synth_out(out: str):
    """The folder ``synth --out`` writes to, refused before anything is simulated when it
    is empty, a file, or holds CSVs synth did not write (a council's own extract, whose
    files would be overwritten; a folder synth wrote has its synth.yaml and may be
    written again, as ``make sample`` does)."""
    from pathlib import Path

    if not out.strip():
        raise ConfigError("--out is empty", fix="Give a folder to write the extract into, e.g. --out /tmp/synth")
    p = Path(out)
    if p.exists() and not p.is_dir():
        raise ConfigError(f"--out {out} is a file", fix="Give a folder (new, or one synth wrote before)")
    theirs = sorted(q for q in p.rglob("*.csv")) if p.is_dir() else []
    if theirs and not (p / "synth.yaml").is_file():
        raise ConfigError(f"--out {out} already holds CSV files synth did not write ({theirs[0].relative_to(p)}"
                          f"{', ...' if len(theirs) > 1 else ''}), which would be overwritten",
                          fix="Give a new or empty folder")
    return p


def _cmd_synth(args) -> int:
    import time

    from . import synth

    out = _synth_out(args.out)
    cfg = synth.SynthConfig.from_yaml(args.config) if args.config else synth.SynthConfig()
    if args.seed is not None:
        cfg.seed = args.seed
    if args.las is not None:
        cfg.las = [x.strip() for x in args.las.split(",") if x.strip()]
        if not cfg.las:
            raise ConfigError(f"--las is {args.las!r}", fix="Give DfE LA numbers separated by commas, e.g. --las 884,919, "
                                                            "or --las national")
        if cfg.las == ["national"]:
            cfg.stock = None
    if args.no_counterfactual:
        cfg.counterfactual = False
    cfg.check(args.config or "synth options")
    cfg.la_table()                  # an unknown LA is named before anything is simulated
    t = time.perf_counter()
    print(f"evaltools: simulating {', '.join(map(str, cfg.las))}, {cfg.first_year}-{cfg.last_year}, "
          f"seed {cfg.seed}{' (with counterfactual)' if cfg.interventions and cfg.counterfactual else ''}")
    res = synth.generate(cfg)
    try:
        files = synth.write(res, out, messy=args.messy or cfg.messy)
    except OSError as e:
        raise ConfigError(f"cannot write the extract to {args.out} ({e.strerror or e})",
                          fix="Give a folder you can write to with --out") from None
    n_ep = sum(len(t["Episodes"]) for t in res.returns.values())
    print(f"evaltools: wrote {len(files)} files ({n_ep:,} episode rows) to {args.out} "
          f"in {time.perf_counter() - t:.1f} s; true effects in {args.out}/truth.json")
    return 0


def _cmd_strategy(args) -> int:
    from . import strategies

    if args.action == "list":
        if args.file:
            raise ConfigError(f"'strategy list' takes no file, but was given {args.file}",
                              fix=f"To check it: evaltools strategy check {args.file}")
        for sid in strategies.available():
            s = strategies.load(sid)
            print(f"{sid:<28} {s.la:>4}  {len(s.measures):>3} measures, {len(s.interventions):>2} interventions  "
                  f"{s.title}")
        return 0
    if not args.file:
        print("evaltools: error: say which strategy file to check, e.g. evaltools strategy check "
              "data/strategies/herefordshire_2025_27.yaml", file=sys.stderr)
        return 2
    s = strategies.load(args.file)
    by_source = s.measures_frame()["source"].value_counts()
    dated = sum(i.start is not None for i in s.interventions)
    print(f"evaltools: {args.file} is a valid strategy: {s.title} (LA {s.la}); "
          f"{len(s.measures)} measures ({', '.join(f'{n} {k}' for k, n in by_source.items())}), "
          f"{len(s.interventions)} interventions ({dated} dated)")
    for said in strategies.against_polarity(s):
        print(f"evaltools: note: {said}: the review will call a move that way \"as promised\"; check the "
              "direction is what the strategy means")
    for said in strategies.without_figures(s):
        print(f"evaltools: note: {said}; the review will say every figure is suppressed or not available. Map the commitment to a "
              "measure with figures, or to a local measure (data/local/README.md), if there is one")
    for where in strategies.few_people_in_words(s):
        print(f"evaltools: note: {where}: the reports print the strategy's words as written, so a count of 1 to 5 "
              "people would show under every disclosure policy; reword it (e.g. \"a small group\") before the "
              "reports are shared")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="evaltools",
                                description="Is our Corporate Parenting Strategy working?")
    p.add_argument("--version", action="version", version=f"evaltools {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="execute the notebooks of an evaluation YAML")
    r.add_argument("evaluation", help="path of the evaluation YAML, e.g. evaluations/herefordshire.yaml")
    r.add_argument("--la", help="run for this LA instead of the one in the YAML; several separated "
                   "by commas (884,919,342) run the evaluation once per LA")
    r.add_argument("--region", help='run the evaluation once per LA in this DfE region, e.g. "West Midlands"')
    r.add_argument("--jobs", type=int, help="notebooks run at once (default: the number of CPU cores)")
    r.add_argument("--run-id", help="name of the run folder (default: UTC timestamp)")
    r.add_argument("--reports-dir", help="where to write reports (default: reports/)")
    r.set_defaults(func=_cmd_run)
    a = sub.add_parser("areas", help="list local authorities, or look one up")
    a.add_argument("query", nargs="?", help="DfE number, ONS code or name")
    a.set_defaults(func=_cmd_areas)
    v = sub.add_parser("validate", help="read and check a folder of SSDA903 extracts")
    v.add_argument("folder", help="folder of 903 CSV files (one sub-folder per year for several years)")
    v.add_argument("--year", type=int, help="collection year (year ending 31 March) if the folder names do not say")
    v.add_argument("--issues", help="write the issues table to this CSV (personal data: each issue's row in "
                                     "the extract; written readable by you only)")
    v.add_argument("--strict", action="store_true", help="exit 1 when there are error-severity issues")
    v.add_argument("--workers", type=int, default=None,
                   help="processes reading years in parallel (default: 2 for files over 50 MB, "
                        "else 1; more is faster and uses more memory)")
    v.set_defaults(func=_cmd_validate)
    y = sub.add_parser("synth", help="generate a synthetic SSDA903 extract with known effects")
    y.add_argument("--config", help="synth YAML (e.g. data/sample/synth.yaml)")
    y.add_argument("--out", required=True, help="folder to write <year>/<table>.csv into")
    y.add_argument("--seed", type=int, help="random seed (overrides the config)")
    y.add_argument("--las", help="comma-separated DfE LA numbers, or 'national'")
    y.add_argument("--messy", action="store_true", help="add realistic data-quality faults")
    y.add_argument("--no-counterfactual", action="store_true",
                   help="skip the run without interventions (faster; truth.json then has no effects)")
    y.set_defaults(func=_cmd_synth)
    m = sub.add_parser("measures", help="list the measure registry (or the local measures)")
    m.add_argument("--topic", help="only this topic")
    m.add_argument("--local", action="store_true",
                   help="list the local measures a strategy may name (data/local/local_measures.csv)")
    m.set_defaults(func=_cmd_measures)
    st = sub.add_parser("strategy", help="check a strategy YAML, or list the bundled ones")
    st.add_argument("action", choices=["check", "list"])
    st.add_argument("file", nargs="?", help="the strategy YAML to check")
    st.set_defaults(func=_cmd_strategy)
    return p


def _la_name(code) -> str:
    from .areas import resolve_la
    try:
        return resolve_la(code).display_name
    except EvaltoolsError:
        return ""


class _Terminated(KeyboardInterrupt):
    """SIGTERM (``kill``, a CI timeout) or SIGHUP (the terminal or SSH session closed),
    handled as Ctrl-C is: the run stops its workers and removes its unfinished report
    folders and its cache of the extract on the way out."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum, frame):
    raise _Terminated(signum)


#: the signals that stop a run as Ctrl-C does (SIGHUP where the system has it)
_STOPPING = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    main_thread = threading.current_thread() is threading.main_thread()
    # a signal already ignored stays ignored: `nohup evaltools run ...` must survive its
    # terminal closing
    previous = {sig: signal.signal(sig, _on_signal) for sig in _STOPPING
                if signal.getsignal(sig) is not signal.SIG_IGN} if main_thread else {}
    try:
        return args.func(args)
    except EvaltoolsError as exc:
        print(f"evaltools: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # the reader went away (`evaltools measures | head`): stop quietly, as other tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt as exc:
        stopped = isinstance(exc, _Terminated)
        try:
            print("evaltools: " + (f"stopped ({signal.Signals(exc.signum).name})" if stopped else "interrupted"),
                  file=sys.stderr)
        except OSError:          # the terminal that would show it has gone (SIGHUP)
            pass
        return 128 + exc.signum if stopped else 130
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


if __name__ == "__main__":
    sys.exit(main())
