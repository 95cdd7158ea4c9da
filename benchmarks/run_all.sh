#!/usr/bin/env bash
# Run every benchmark and store its output in benchmarks/results/ (see benchmarks/RESULTS.md).
# Needs the [test] extra plus vaderSentiment and empath for the lexicon-tool comparison:
#   pip install -e ".[test]" vaderSentiment empath
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p benchmarks/results
for name in memory speed accuracy goemotions goemotions_training span_errors learning_curve feature_selection; do
  echo "== $name"
  python "benchmarks/$name.py" --json "benchmarks/results/$name.json" 2>&1 | grep -v Warning | tee "benchmarks/results/$name.txt"
done
echo "== pepys"
python benchmarks/pepys.py --sweep 0.6 0.7 0.8 --json benchmarks/results/pepys.json 2>&1 | grep -v Warning | tee benchmarks/results/pepys.txt
echo "== pepys, pipeline retrained with the reranker"
python benchmarks/pepys.py --train-config '{"entry_context": true}' --json benchmarks/results/pepys_reranker.json \
  2>&1 | grep -v Warning | tee benchmarks/results/pepys_reranker.txt
echo "== pepys, pipeline retrained with one weight per gold span"
python benchmarks/pepys.py --train-config '{"unit_weighting": "span"}' --json benchmarks/results/pepys_span_weighting.json \
  2>&1 | grep -v Warning | tee benchmarks/results/pepys_span_weighting.txt
echo "== cross_validation"
python benchmarks/cross_validation.py --config '{}' --config '{"entry_context": true}' --config '{"unit_weighting": "span"}' \
  --config '{"unit_weighting": "span", "entry_context": true}' \
  --json benchmarks/results/cross_validation.json 2>&1 | grep -v Warning | tee benchmarks/results/cross_validation.txt
echo "== added_data"
python benchmarks/added_data.py --json benchmarks/results/added_data.json 2>&1 | grep -v Warning | tee benchmarks/results/added_data.txt
echo "== pepys_judged (scores the stored blind judgement; re-sampling needs a new reader, see the script)"
python benchmarks/pepys_judged.py score --json benchmarks/results/pepys_judged.json | tee benchmarks/results/pepys_judged.txt
breakthrough-nlp evaluate models/journal_breakthroughs corpora/journal-breakthroughs/test.jsonl | tee benchmarks/results/evaluate_test.txt
breakthrough-nlp evaluate models/journal_breakthroughs corpora/journal-breakthroughs/test.jsonl --json > benchmarks/results/evaluate_test.json
