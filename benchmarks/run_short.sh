#!/usr/bin/env bash
# A short benchmark pass, then the ratio check of DESIGN.md §3 (ratios only, never absolute
# times). About a minute and a half on an idle 2-core machine once numba's cache is warm, plus
# about two minutes for test_bench_replication.py (the reference engine on 21 days of the
# baseline, and a fresh process running the four-year uplift for its peak memory).
#
# Usage: benchmarks/run_short.sh [OUT_JSON]     (default .benchmarks/short.json)
# Environment: PYTHON (default .venv/bin/python if present, else python),
#              BENCH_ROUNDS (timed rounds per fast benchmark, default 7).
# Exit status: non-zero if a benchmark failed or a ratio is out of bounds.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
python="${PYTHON:-}"
if [[ -z "$python" ]]; then
  if [[ -x .venv/bin/python ]]; then python=.venv/bin/python; else python=python; fi
fi
out="${1:-.benchmarks/short.json}"
mkdir -p "$(dirname "$out")"
rm -f "$out"

"$python" -m pytest benchmarks -q -p no:cacheprovider -n 0 \
  --bench-rounds="${BENCH_ROUNDS:-7}" \
  --benchmark-json="$out" \
  --benchmark-columns=min,median,max,rounds \
  --benchmark-sort=name
status=$?

echo
echo "Ratios ($out):"
if [[ -s "$out" ]]; then
  "$python" benchmarks/check_ratios.py "$out" || status=1
else
  echo "no benchmark results written"
  status=1
fi
exit "$status"
