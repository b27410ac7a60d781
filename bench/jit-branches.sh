#!/usr/bin/env bash
# Prints the x64 code the JIT makes for one generated Classify (inlined into Probe.ClassifyOnce)
# and counts its conditional jumps. Usage: bash bench/jit-branches.sh [--quiet]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
dotnet build bench/JitBranches -c Release -o "$out/bin" -v q -nologo >/dev/null
DOTNET_TieredCompilation=0 DOTNET_JitDisasm='ClassifyOnce' DOTNET_JitStdOutFile="$out/disasm.txt" \
  dotnet "$out/bin/JitBranches.dll" >/dev/null
if [ "${1:-}" != "--quiet" ]; then cat "$out/disasm.txt"; fi
# Conditional jumps are j<cc>; jmp is unconditional.
jumps=$(grep -E '^\s+j[a-z]+\s' "$out/disasm.txt" | grep -vE '^\s+jmp\s' || true)
echo "conditional jumps in Classify: $(printf '%s' "$jumps" | grep -c . || true)"
printf '%s\n' "$jumps"
