"""The warm kernel: reused between notebooks, but each notebook starts clean."""

import json

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from evaltools import kernels

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def _notebook(path, *sources, parameters="x = 0"):
    cells = [new_code_cell(parameters, metadata={"tags": ["parameters"]})]
    cells += [new_code_cell(s) for s in sources]
    nbformat.write(new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC}), path)
    return str(path)


def _outputs(path):
    nb = json.loads(open(path).read())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    texts = ["".join(o.get("text", "")) for c in code for o in c["outputs"] if o["output_type"] == "stream"]
    return [c["execution_count"] for c in code], texts


@pytest.fixture
def warm():
    kernels.shutdown()
    yield
    kernels.shutdown()


def test_second_notebook_reuses_the_kernel_but_sees_none_of_the_first(tmp_path, warm):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = _notebook(tmp_path / "first.ipynb",
                      "import os\nsecret = 'from the first notebook'\n"
                      "print(os.getpid(), os.environ['EVALTOOLS_TEST_VAR'], os.path.basename(os.getcwd()))")
    second = _notebook(tmp_path / "second.ipynb",
                       "import os\nprint(os.getpid(), os.environ['EVALTOOLS_TEST_VAR'], "
                       "os.path.basename(os.getcwd()), 'secret' in globals(), x)")
    kernels.execute_notebook(first, str(tmp_path / "out1.ipynb"), parameters={"x": 1},
                             cwd=str(tmp_path / "a"), env={"EVALTOOLS_TEST_VAR": "one"})
    kernels.execute_notebook(second, str(tmp_path / "out2.ipynb"), parameters={"x": 2},
                             cwd=str(tmp_path / "b"), env={"EVALTOOLS_TEST_VAR": "two"})
    counts1, (text1,) = _outputs(tmp_path / "out1.ipynb")
    counts2, (text2,) = _outputs(tmp_path / "out2.ipynb")
    pid1, var1, cwd1 = text1.split()
    pid2, var2, cwd2, leaked, x = text2.split()
    assert pid1 == pid2                          # the same kernel process
    assert (var1, cwd1) == ("one", "a") and (var2, cwd2) == ("two", "b")
    assert leaked == "False" and x == "2"        # an empty namespace, then its own parameters
    assert counts2 == counts1 and counts2[0] == 1   # numbered as in a fresh kernel


def test_a_failed_notebook_is_followed_by_a_fresh_kernel(tmp_path, warm):
    import papermill

    pid = _notebook(tmp_path / "pid.ipynb", "import os\nprint(os.getpid())")
    bad = _notebook(tmp_path / "bad.ipynb", "import os\nprint(os.getpid())\nraise ValueError('no')")
    env = {"EVALTOOLS_TEST_VAR": "x"}
    kernels.execute_notebook(pid, str(tmp_path / "o1.ipynb"), parameters={}, cwd=str(tmp_path), env=env)
    with pytest.raises(papermill.PapermillExecutionError):
        kernels.execute_notebook(bad, str(tmp_path / "o2.ipynb"), parameters={}, cwd=str(tmp_path), env=env)
    kernels.execute_notebook(pid, str(tmp_path / "o3.ipynb"), parameters={}, cwd=str(tmp_path), env=env)
    p1, p2, p3 = (_outputs(tmp_path / f"o{i}.ipynb")[1][0].split()[0] for i in (1, 2, 3))
    assert p1 == p2 != p3


def test_a_kernel_is_replaced_after_max_runs(tmp_path, warm, monkeypatch):
    monkeypatch.setattr(kernels, "MAX_RUNS", 2)
    nb = _notebook(tmp_path / "pid.ipynb", "import os\nprint(os.getpid())")
    pids = []
    for i in range(3):
        kernels.execute_notebook(nb, str(tmp_path / f"o{i}.ipynb"), parameters={}, cwd=str(tmp_path),
                                 env={"EVALTOOLS_TEST_VAR": "x"})
        pids.append(_outputs(tmp_path / f"o{i}.ipynb")[1][0].strip())
    assert pids[0] == pids[1] != pids[2]


def _tables(path):
    from evaltools.outputs import TABLE_MIME
    nb = json.loads(open(path).read())
    return [o["data"][TABLE_MIME] for c in nb["cells"] if c["cell_type"] == "code"
            for o in c["outputs"] if TABLE_MIME in o.get("data", {})]


def test_a_warm_kernel_gives_the_figures_a_fresh_one_gives(tmp_path, warm):
    """A real report, in a fresh kernel and then twice in one warm kernel (the second
    time after its module caches are full): every table is the same."""
    import papermill

    from evaltools.paths import REPO_ROOT
    nb_dir = REPO_ROOT / "notebooks"
    params = {"topic": "education_workforce", "strategy": "herefordshire_2025_27", "extract": None}
    papermill.execute_notebook(str(nb_dir / "topic.ipynb"), str(tmp_path / "cold.ipynb"),
                               parameters=params, kernel_name="python3", progress_bar=False,
                               cwd=str(nb_dir))
    for name in ("warm1", "warm2"):
        kernels.execute_notebook(str(nb_dir / "topic.ipynb"), str(tmp_path / f"{name}.ipynb"),
                                 parameters=params, cwd=str(nb_dir), env={})
    cold = _tables(tmp_path / "cold.ipynb")
    assert len(cold) >= 3
    assert _tables(tmp_path / "warm1.ipynb") == cold
    assert _tables(tmp_path / "warm2.ipynb") == cold


def test_warm_up_loads_modules_a_notebook_then_finds_but_cannot_see(tmp_path, warm):
    """The runner warms each worker's kernel while it reads the shared inputs: the
    preload's modules are loaded for the first notebook, its names are not."""
    assert kernels.warm_up("import json as preloaded_json\nimport csv")
    pid = kernels._WARM.km.provisioner.pid if kernels._WARM.km.provisioner else None
    nb = _notebook(tmp_path / "nb.ipynb",
                   "import sys, os\nprint('csv' in sys.modules, 'preloaded_json' in globals(), os.getpid())")
    kernels.execute_notebook(nb, str(tmp_path / "o.ipynb"), parameters={}, cwd=str(tmp_path), env={})
    counts, (text,) = _outputs(tmp_path / "o.ipynb")
    loaded, visible, nb_pid = text.split()
    assert (loaded, visible) == ("True", "False") and counts[0] == 1
    if pid is not None:
        assert int(nb_pid) == pid                # the kernel warmed up is the one used


def test_a_failing_warm_up_leaves_no_kernel_behind(warm):
    assert kernels.warm_up("raise ValueError('no such module')") is False
    assert kernels._WARM.km is None


@pytest.mark.skipif(kernels.TRANSPORT != "ipc", reason="Unix sockets only where the OS has them")
def test_each_kernel_has_private_sockets_removed_at_shutdown(tmp_path, warm):
    import os
    import stat

    nb = _notebook(tmp_path / "nb.ipynb", "print('ok')")
    kernels.execute_notebook(nb, str(tmp_path / "out.ipynb"), parameters={}, cwd=str(tmp_path),
                             env={})
    folder = kernels._WARM.sockets
    info = kernels._WARM.km.get_connection_info()
    assert info["transport"] == "ipc" and info["ip"].startswith(folder + os.sep)
    # this user only (Jupyter adds the sticky bit where it writes the connection file)
    assert stat.S_IMODE(os.stat(folder).st_mode) & 0o777 == 0o700
    assert any(stat.S_ISSOCK(os.stat(os.path.join(folder, f)).st_mode) for f in os.listdir(folder))
    assert not [f for f in os.listdir(tmp_path) if f.startswith("kernel")]  # none in the cwd
    first = folder
    kernels.shutdown()
    assert not os.path.exists(first)
    kernels.execute_notebook(nb, str(tmp_path / "out2.ipynb"), parameters={}, cwd=str(tmp_path),
                             env={})
    assert kernels._WARM.sockets not in (None, first)          # a new kernel, a new folder


def test_a_killed_workers_kernel_leaves_no_connection_file():
    """A run stopped with SIGTERM left /tmp/tmp*.json, the kernel's key and ports."""
    import os
    from jupyter_core.utils import run_sync
    from evaltools import kernels
    km = kernels._WARM.manager("python3")
    run_sync(km.start_kernel)(extra_arguments=list(kernels._KERNEL_ARGS), env=dict(os.environ))
    path = km.connection_file
    assert path and os.path.exists(path)
    # in the kernel's own folder, named after the worker, so that a worker killed before
    # it could run kill_now leaves it where the next run removes it
    assert os.path.dirname(path) == kernels._WARM.sockets
    assert os.path.basename(kernels._WARM.sockets).startswith(f"evaltools-kernel-{os.getpid()}-")
    kernels.kill_now()
    assert not os.path.exists(path)
    kernels._WARM.km = None
