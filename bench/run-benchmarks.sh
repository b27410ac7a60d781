#!/usr/bin/env bash
# Runs the BenchmarkDotNet suite (bench/Vmdq.Toolkit.Benchmarks); see docs/performance.md.
#   bash bench/run-benchmarks.sh                      full run, with the 1M-filter dispatcher
#   bash bench/run-benchmarks.sh --quick              short job (a few minutes), without 1M
#   bash bench/run-benchmarks.sh --filter '*10K*'     any BenchmarkDotNet arguments
# The 1M dispatcher (~40 MB assembly, ~35 s more compile) is built only here, for the full run:
# set VMDQ_BENCH_MILLION=true or false to override.
set -euo pipefail
cd "$(dirname "$0")/.."
million=true
for arg in "$@"; do
  if [ "$arg" = "--quick" ]; then million=false; fi
done
million=${VMDQ_BENCH_MILLION:-$million}
exec dotnet run -c Release --project bench/Vmdq.Toolkit.Benchmarks --property:VmdqBenchMillion="$million" -- "$@"
