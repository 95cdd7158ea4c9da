#!/usr/bin/env bash
# Run every benchmark and store its output in benchmarks/results/ (see benchmarks/RESULTS.md).
# Needs the [test] extra plus vaderSentiment and empath for the lexicon-tool comparison:
#   pip install -e ".[test]" vaderSentiment empath
# With arguments, runs only the named steps, e.g. `bash benchmarks/run_all.sh cross_validation`
# (steps: memory speed accuracy goemotions goemotions_training span_errors learning_curve
# feature_selection pepys pepys_no_reranker cross_validation added_data pepys_judged short_notes stock_phrases
# evaluate).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p benchmarks/results
ALL="memory speed accuracy goemotions goemotions_training span_errors learning_curve feature_selection
     pepys pepys_no_reranker cross_validation added_data pepys_judged short_notes stock_phrases evaluate"
STEPS="${*:-$ALL}"
run() { grep -v Warning | tee "benchmarks/results/$1.txt"; }
for step in $STEPS; do
  echo "== $step"
  case "$step" in
    memory|speed|accuracy|goemotions|goemotions_training|span_errors|learning_curve|feature_selection|added_data|short_notes)
      python "benchmarks/$step.py" --json "benchmarks/results/$step.json" 2>&1 | run "$step" ;;
    stock_phrases)  # the held-out-batch design of short_notes on batches 30-35
      python benchmarks/short_notes.py --batches 30 31 32 33 34 35 --json benchmarks/results/stock_phrases.json 2>&1 \
        | run stock_phrases ;;
    pepys)
      python benchmarks/pepys.py --sweep 0.6 0.7 0.8 --json benchmarks/results/pepys.json 2>&1 | run pepys ;;
    pepys_no_reranker)  # the shipped training without the entry-context reranker
      python benchmarks/pepys.py --train-config '{"entry_context": false}' \
        --json benchmarks/results/pepys_no_reranker.json 2>&1 | run pepys_no_reranker ;;
    cross_validation)
      python benchmarks/cross_validation.py --config '{}' --config '{"entry_context": false}' \
        --config '{"threshold_data": "dev"}' --config '{"unit_weighting": "span"}' \
        --json benchmarks/results/cross_validation.json 2>&1 | run cross_validation ;;
    pepys_judged)  # scores the stored blind judgements; re-sampling needs a new reader (see the script)
      python benchmarks/pepys_judged.py score --json benchmarks/results/pepys_judged.json | tee benchmarks/results/pepys_judged.txt
      for round in 2 3 4 5 6 7 8 9; do
        python benchmarks/pepys_judged.py score --dir "benchmarks/results/pepys_judged_$round" \
          --json "benchmarks/results/pepys_judged_$round.json" | tee "benchmarks/results/pepys_judged_$round.txt"
      done ;;
    evaluate)
      breakthrough-nlp evaluate models/journal_breakthroughs corpora/journal-breakthroughs/test.jsonl | tee benchmarks/results/evaluate_test.txt
      breakthrough-nlp evaluate models/journal_breakthroughs corpora/journal-breakthroughs/test.jsonl --json > benchmarks/results/evaluate_test.json ;;
    *) echo "unknown step: $step" >&2; exit 2 ;;
  esac
done
