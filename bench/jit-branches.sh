#!/usr/bin/env bash
# Prints the x64 code the JIT makes for one generated Classify (inlined into Probe.ClassifyOnce)
# and for FrameParser.Parse (which the JIT may or may not inline into it), and counts their
# conditional jumps. Usage: bash bench/jit-branches.sh [--quiet]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
dotnet build bench/JitBranches -c Release -o "$out/bin" -v q -nologo >/dev/null
DOTNET_TieredCompilation=0 DOTNET_JitDisasm='ClassifyOnce *FrameParser:Parse*' DOTNET_JitStdOutFile="$out/disasm.txt" \
  dotnet "$out/bin/JitBranches.dll" >/dev/null
if [ "${1:-}" != "--quiet" ]; then cat "$out/disasm.txt"; fi
# Conditional jumps are j<cc>; jmp is unconditional.
jumps=$(grep -E '^\s+j[a-z]+\s' "$out/disasm.txt" | grep -vE '^\s+jmp\s' || true)
echo "methods: $(grep -c '^; Assembly listing for method' "$out/disasm.txt") ($(grep '^; Assembly listing for method' "$out/disasm.txt" | sed 's/.*method //; s/(.*//' | tr '\n' ' '))"
echo "calls: $(grep -cE '^\s+call\s' "$out/disasm.txt" || true)"
echo "conditional jumps in Classify + Parse + ParseRunt: $(printf '%s' "$jumps" | grep -c . || true)"
printf '%s\n' "$jumps"
