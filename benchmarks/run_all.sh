#!/usr/bin/env bash
# Run every benchmark and store its output in benchmarks/results/ (see benchmarks/RESULTS.md).
# Needs the [test] extra plus vaderSentiment and empath for the lexicon-tool comparison:
#   pip install -e ".[test]" vaderSentiment empath
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p benchmarks/results
for name in memory speed accuracy goemotions goemotions_training span_errors learning_curve pepys feature_selection; do
  echo "== $name"
  python "benchmarks/$name.py" --json "benchmarks/results/$name.json" 2>&1 | grep -v Warning | tee "benchmarks/results/$name.txt"
done
echo "== pepys, pipeline retrained with the reranker"
python benchmarks/pepys.py --train-config '{"entry_context": true}' --json benchmarks/results/pepys_reranker.json \
  2>&1 | grep -v Warning | tee benchmarks/results/pepys_reranker.txt
echo "== cross_validation"
python benchmarks/cross_validation.py --config '{}' --config '{"entry_context": true}' --config '{"entry_context": true, "unit_C": 8.0}' \
  --json benchmarks/results/cross_validation.json 2>&1 | grep -v Warning | tee benchmarks/results/cross_validation.txt
breakthrough-nlp evaluate models/journal_breakthroughs corpora/journal-breakthroughs/test.jsonl | tee benchmarks/results/evaluate_test.txt
breakthrough-nlp evaluate models/journal_breakthroughs corpora/journal-breakthroughs/test.jsonl --json > benchmarks/results/evaluate_test.json
