#!/usr/bin/env bash
# Does the shipped model give the same results on the oldest versions setup.cfg allows?
#
#   bash benchmarks/probes/min_versions.sh [PYTHON3.10]
#
# Makes a Python 3.10 venv with the lowest pinned versions (scikit-learn 1.6.1, spaCy 3.8.2,
# which brings confection 0.1.5, NumPy 1.26, pandas 2.0), evaluates the shipped model on the
# test split there and in the current environment, and compares the two JSON results.
# A probe, not part of run_all.sh; its last output is in benchmarks/results/probes/min_versions.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PY="${1:-python3.10}"
VENV="$(mktemp -d)/venv"
"$PY" -m venv "$VENV"
"$VENV/bin/pip" install -q "scikit-learn==1.6.1" "spacy==3.8.2" "numpy==1.26.4" "pandas==2.0.3" \
    "scipy==1.11.4" "threadpoolctl==3.1.0" "joblib==1.3.2" tqdm click
"$VENV/bin/python" -c "import sys, sklearn, spacy, numpy, pandas; from importlib.metadata import version; \
print('old:', sys.version.split()[0], 'scikit-learn', sklearn.__version__, 'spacy', spacy.__version__, \
'confection', version('confection'), 'numpy', numpy.__version__, 'pandas', pandas.__version__)"
python -c "import sys, sklearn, spacy, numpy, pandas; from importlib.metadata import version; \
print('now:', sys.version.split()[0], 'scikit-learn', sklearn.__version__, 'spacy', spacy.__version__, \
'confection', version('confection'), 'numpy', numpy.__version__, 'pandas', pandas.__version__)"
TEST="$ROOT/corpora/journal-breakthroughs/test.jsonl"
MODEL="$ROOT/models/journal_breakthroughs"
PYTHONPATH="$ROOT" "$VENV/bin/python" -W ignore -m breakthrough_nlp.cli evaluate "$MODEL" "$TEST" --json > "$VENV/old.json"
python -W ignore -m breakthrough_nlp.cli evaluate "$MODEL" "$TEST" --json > "$VENV/now.json"
python -c "import json, sys; a, b = (json.load(open(p)) for p in sys.argv[1:]); \
print('test-split evaluation identical:', a == b)" "$VENV/old.json" "$VENV/now.json"
