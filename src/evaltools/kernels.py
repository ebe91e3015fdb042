"""Execute notebooks with papermill in a kernel that stays warm between notebooks.

A fresh Jupyter kernel costs about 0.7 s to start, and every report then spends about
3 s importing pandas, statsmodels and matplotlib before it computes anything: for the
12 reports of one council, more than half the run. A runner worker therefore keeps one
kernel and executes its notebooks in it one after another. Before each notebook the
kernel is put back to a clean state:

- the user namespace is emptied and the execution count restarts at 1
  (``InteractiveShell.reset(new_session=True)``), so a notebook cannot see another's
  variables and its cells are numbered as in a fresh kernel;
- every matplotlib figure is closed;
- the environment variables of the run (data folder, pseudonymisation key, run cache)
  and the working folder are set as a fresh kernel would have them.

Imported modules stay loaded, and with them their in-memory caches (DfE's published
figures, the statistical neighbours, the registry): those are read-only and keyed by
their inputs, so a warm kernel gives the same figures as a cold one (tested). A
notebook that fails, or a kernel that dies, is never reused: the next notebook gets a
fresh kernel. A kernel is also replaced after :data:`MAX_RUNS` notebooks, so memory
cannot creep up over a batch of every council.

This is papermill's own nbclient engine, given a kernel manager it does not own
(nbclient then leaves the kernel running); see :func:`execute_notebook`.
"""

from __future__ import annotations

import json
import multiprocessing.util
import os
import shutil
import signal
import sys

from jupyter_core.utils import run_sync

from .paths import private_temp_dir

# papermill reads and writes notebooks with nbformat, which imports jsonschema; where
# the optional rfc3987-syntax package is installed (jupyter-events brings it), jsonschema
# compiles its 38 IRI grammars at import: 1.2 s in the runner and in each of its workers,
# for an "iri" format check no notebook schema uses. The runner's processes skip it (a
# kernel, where a user's own code runs, is a separate process and is left alone).
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)

#: notebooks one kernel executes before it is replaced by a fresh one
MAX_RUNS = 40

_RESET = """\
import os as _os
_os.environ.update({env})
_os.chdir({cwd})
try:
    import matplotlib.pyplot as _plt
    _plt.close("all")
except ImportError:
    pass
get_ipython().reset(new_session=True)
"""


class _Warm:
    """The worker's kernel: its manager and how many notebooks it has executed."""

    def __init__(self) -> None:
        self.km = None
        self.kc = None          # its client, connected once and kept (see ready_client)
        self.runs = 0
        self.finalizer = None
        self.sockets: str | None = None    # the kernel's private socket folder (ipc)

    def manager(self, kernel_name: str):
        if self.km is not None and (self.runs >= MAX_RUNS or not run_sync(self.km.is_alive)()):
            self.shutdown()
        if self.km is None:
            from jupyter_client.manager import AsyncKernelManager
            self.km = AsyncKernelManager(kernel_name=kernel_name, **_transport(self))
            self.runs = 0
            if self.finalizer is None:   # a worker process shuts its kernel down on exit
                self.finalizer = multiprocessing.util.Finalize(self, _Warm.shutdown, args=(self,),
                                                               exitpriority=10)
        return self.km

    def shutdown(self) -> None:
        self.drop_client()
        km, self.km, self.runs = self.km, None, 0
        if km is not None and km.has_kernel:
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:     # noqa: BLE001 - already gone
                pass
        self.remove_sockets()

    def drop_client(self) -> None:
        kc, self.kc = self.kc, None
        if kc is not None:
            try:
                kc.stop_channels()
            except Exception:     # noqa: BLE001 - already closed
                pass

    async def ready_client(self, timeout: float):
        """The kernel's client, its channels started and the kernel answering. A new
        client waits for the kernel (and a fixed 0.2 s for its output channel to fall
        quiet) before every notebook; the warm kernel's client is connected once and
        kept for the notebooks after. Messages a notebook's cells get are matched to the
        requests that caused them, so nothing carries over from one notebook to the next."""
        from jupyter_core.utils import ensure_async
        if self.kc is None:
            kc = self.km.client()
            await ensure_async(kc.start_channels())
            try:
                await ensure_async(kc.wait_for_ready(timeout=timeout))
            except BaseException:
                kc.stop_channels()
                raise
            self.kc = kc
        self.kc.allow_stdin = False
        return self.kc

    def remove_sockets(self) -> None:
        folder, self.sockets = self.sockets, None
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


_WARM = _Warm()


#: what a report's kernel imports before its first cell can compute anything
REPORT_IMPORTS = "import evaltools.report, evaltools.topics, evaltools.review, evaltools.briefing"

#: how the worker talks to its kernel: Unix sockets in a private temporary folder, which
#: only this user can reach, where the system has them. Over TCP the kernel's messages go
#: through localhost ports unencrypted, and every kernel prints a warning saying so into
#: the run's output, where it reads as a fault of the run.
TRANSPORT = "ipc" if os.name == "posix" else "tcp"


def _transport(warm: _Warm) -> dict:
    """Kernel manager settings for :data:`TRANSPORT`. Each kernel's Unix sockets go in
    a folder of its own made for it (mode 700): with Jupyter's default, every kernel
    started from the same folder binds the same socket names, and two workers' kernels
    would receive each other's messages. Its connection file (the key that signs its
    messages) goes there too, not loose in the temp folder, so that one left by a worker
    that was killed goes with the folder (:func:`evaltools.paths.remove_orphaned_temp`)."""
    warm.remove_sockets()
    warm.sockets = private_temp_dir("kernel")
    where = {"connection_file": os.path.join(warm.sockets, "kernel.json")}
    if TRANSPORT != "ipc":
        return {"transport": "tcp", **where}
    return {"transport": "ipc", "ip": os.path.join(warm.sockets, "kernel"), **where}


#: a kernel started here keeps IPython's history in memory, as nbclient's do
_KERNEL_ARGS = ["--HistoryManager.hist_file=:memory:"]


def warm_up(preload: str = REPORT_IMPORTS, kernel_name: str = "python3") -> bool:
    """Start this process's kernel now and run ``preload`` (imports) in it, so the
    first notebook finds pandas, statsmodels and matplotlib loaded. The runner calls it
    in each worker while the parent reads the run's shared inputs. Returns whether the
    kernel is ready; on any failure the kernel is discarded and the first notebook
    starts its own, as it would have without this."""
    try:
        km = _WARM.manager(kernel_name)
        if not km.has_kernel:
            run_sync(km.start_kernel)(extra_arguments=list(_KERNEL_ARGS), env=dict(os.environ))
        import papermill  # noqa: F401 - loaded here rather than by the first notebook
        kc = run_sync(_WARM.ready_client)(60)
        reply = run_sync(kc.execute_interactive)(preload, silent=True, store_history=False,
                                                 timeout=300)
        if reply["content"].get("status") != "ok":
            raise RuntimeError(reply["content"].get("evalue", "preload failed"))
        return True
    except Exception:           # noqa: BLE001 - the notebook will meet and report it
        _WARM.shutdown()
        return False


def kill_now() -> None:
    """Kill this process's kernel at once, from any thread, without talking to it
    (the worker process is about to exit because the runner has gone)."""
    km = _WARM.km
    pid = getattr(getattr(km, "provisioner", None), "pid", None) if km is not None else None
    if pid:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    if km is not None:                  # its connection file (key and ports) in the temp folder
        try:
            km.cleanup_connection_file()
        except Exception:     # noqa: BLE001 - never written, or already gone
            pass
    _WARM.remove_sockets()


def shutdown() -> None:
    """Stop this process's warm kernel (the runner calls it when a run ends)."""
    _WARM.shutdown()


def execute_notebook(input_path: str, output_path: str, *, parameters: dict, cwd: str,
                     env: dict, kernel_name: str = "python3") -> None:
    """``papermill.execute_notebook`` in this process's warm kernel. Raises what
    papermill raises (a failing cell: ``PapermillExecutionError``); after any failure
    the kernel is discarded."""
    import papermill
    from nbclient.util import run_hook
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    km = _WARM.manager(kernel_name)
    reset = _RESET.format(env=repr(dict(env)), cwd=json.dumps(cwd))

    class _Client(PapermillNotebookClient):
        async def async_start_new_kernel_client(self):
            self.kc = await _WARM.ready_client(self.startup_timeout)
            await run_hook(self.on_notebook_start, notebook=self.nb)
            return self.kc

        start_new_kernel_client = run_sync(async_start_new_kernel_client)

        def papermill_execute_cells(self):
            reply = self.wait_for_reply(self.kc.execute(reset, silent=True, store_history=False))
            if reply is None or reply["content"].get("status") != "ok":
                raise RuntimeError("the warm kernel could not be reset for the next notebook")
            super().papermill_execute_cells()

    class _Engine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None,
                                     **kwargs):
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            client = _Client(nb_man, km=km, **merge_kwargs(
                kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                kernel_name=kernel_name, log=papermill.engines.logger, log_output=log_output,
                stdout_file=stdout_file, stderr_file=stderr_file))
            # a kernel started here inherits the run's environment; a warm one is given it
            # by the reset above. Its client stays connected for the next notebook (a
            # failure drops it with the kernel: see execute_notebook)
            return client.execute(cwd=cwd, env={**os.environ, **env})

    papermill_engines.register("evaltools-warm", _Engine)
    ok = False
    try:
        papermill.execute_notebook(input_path, output_path, parameters=parameters,
                                   kernel_name=kernel_name, engine_name="evaltools-warm",
                                   progress_bar=False, cwd=cwd, log_output=False,
                                   # written once at the end (and on failure), not after
                                   # every cell: the output is a private work file the
                                   # runner publishes whole, and re-serialising a report
                                   # full of charts at each cell cost seconds a run
                                   request_save_on_cell_execute=False)
        ok = True
    finally:
        _WARM.runs += 1
        if not ok:
            _WARM.shutdown()
