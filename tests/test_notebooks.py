"""Execute every notebook in notebooks/ (as CI does) and check what is committed."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
MAX_BYTES = 1_000_000  # readable on GitHub


def test_the_numbered_notebooks_are_there():
    names = [p.stem[:2] for p in PATHS]
    assert names == ["01", "02", "03", "04", "05"], names


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_committed_with_outputs_and_small(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count is not None for c in code), f"{path.name}: run it before committing"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"], f"{path.name} has an error output"
    assert path.stat().st_size < MAX_BYTES


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_runs(path):
    nb = nbformat.read(path, as_version=4)
    # Runs in notebooks/, as Jupyter would, so the notebooks' relative data paths hold.
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
