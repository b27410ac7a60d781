#!/usr/bin/env bash
# Fuzzes one harness with afl++ (docs/fuzzing.md): publishes its entry point, instruments the libraries under test
# with SharpFuzz, and runs afl-fuzz on its seed corpus for SECONDS (default 1800) or until interrupted.
#   fuzz/run.sh rules|capture|frame [SECONDS]
# Needs afl++ (Debian: apt-get install afl++) and the .NET SDK; installs the SharpFuzz.CommandLine tool into
# fuzz-out/.tools. Findings go to fuzz-out/HARNESS (git-ignored): crashes/, hangs/, queue/, fuzzer_stats.
# A second run resumes the first (AFL_AUTORESUME); delete fuzz-out/HARNESS to start over.
set -euo pipefail
cd "$(dirname "$0")/.."

harness=${1:?usage: fuzz/run.sh rules|capture|frame [SECONDS]}
seconds=${2:-1800}
case "$harness" in
  rules) project=Rules ;;
  capture) project=Capture ;;
  frame) project=Frame ;;
  *) echo "unknown harness '$harness' (rules, capture or frame)" >&2; exit 2 ;;
esac
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install afl++" >&2; exit 2; }

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
out=fuzz-out/$harness
tools=fuzz-out/.tools
sharpfuzz_version=2.3.0
if [ ! -x "$tools/sharpfuzz" ]; then
  dotnet tool install SharpFuzz.CommandLine --version "$sharpfuzz_version" --tool-path "$tools"
fi

# A fresh publish each time: sharpfuzz rewrites the dlls in place and refuses an already instrumented one.
rm -rf "$out/bin"
dotnet publish "fuzz/Vmdq.Toolkit.Fuzz.$project" -c Release -o "$out/bin" --nologo -v quiet
# Only the code under test is instrumented: the runtime library (frame parser, kernels, capture reader, engine)
# and the rules front end. Not the harness (its checks would add paths of their own), not SharpFuzz, not the BCL.
for dll in Vmdq.Toolkit.dll Vmdq.Toolkit.Rules.dll; do
  "$tools/sharpfuzz" "$out/bin/$dll"
done

dict=()
[ -f "fuzz/dictionaries/$harness.dict" ] && dict=(-x "fuzz/dictionaries/$harness.dict")

# dotnet itself is not instrumented (SharpFuzz reports coverage from managed code through the fork server), so
# afl-fuzz's binary check is skipped; -m none because the runtime reserves far more address space than afl's default
# limit; no CPU binding on a machine shared with other work.
export AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_AUTORESUME=1
[ -t 1 ] || export AFL_NO_UI=1
status=0
afl-fuzz -V "$seconds" -i "fuzz/corpus/$harness" -o "$out" -t 5000 -m none "${dict[@]}" -- \
  dotnet "$out/bin/Vmdq.Toolkit.Fuzz.$project.dll" || status=$?

stats=$out/default/fuzzer_stats
if [ -f "$stats" ]; then
  grep -E '^(start_time|last_update|run_time|execs_done|execs_per_sec|corpus_count|paths_total|corpus_found|bitmap_cvg|saved_crashes|unique_crashes|saved_hangs|unique_hangs) ' "$stats"
  echo "crashes: $(find "$out/default/crashes" -type f -name 'id:*' | wc -l), hangs: $(find "$out/default/hangs" -type f -name 'id:*' | wc -l)"
fi
exit "$status"
