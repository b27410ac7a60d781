#!/usr/bin/env bash
# Prints the x64 code the JIT makes for generated Classify methods (each inlined into a Probe.ClassifyOnce*:
# every rule kind, and the dispatchers specialised to mac only, no tunnels, tunnels without inner)
# and for FrameParser.Parse (which the JIT may or may not inline into it), and counts their
# conditional jumps. Usage: bash bench/jit-branches.sh [--quiet]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
dotnet build bench/JitBranches -c Release -o "$out/bin" -v q -nologo >/dev/null
DOTNET_TieredCompilation=0 DOTNET_JitDisasm='ClassifyOnce* *FrameParser:Parse*' DOTNET_JitStdOutFile="$out/disasm.txt" \
  dotnet "$out/bin/JitBranches.dll" >/dev/null
if [ "${1:-}" != "--quiet" ]; then cat "$out/disasm.txt"; fi
# Conditional jumps are j<cc>; jmp is unconditional.
jumps=$(grep -E '^\s+j[a-z]+\s' "$out/disasm.txt" | grep -vE '^\s+jmp\s' || true)
echo "methods: $(grep -c '^; Assembly listing for method' "$out/disasm.txt") ($(grep '^; Assembly listing for method' "$out/disasm.txt" | sed 's/.*method //; s/(.*//' | tr '\n' ' '))"
echo "calls: $(grep -cE '^\s+call\s' "$out/disasm.txt" || true)"
echo "conditional jumps in Classify + Parse + ParseRunt: $(printf '%s' "$jumps" | grep -c . || true)"
printf '%s\n' "$jumps"
# Per method: each variant of the parse should have exactly one (the runt check), each Classify none.
awk '/^; Assembly listing for method/ { m = $6; n[m] = 0; order[++k] = m } /^[ \t]+j[a-z]+[ \t]/ && !/^[ \t]+jmp[ \t]/ { n[m]++ }
     END { for (i = 1; i <= k; i++) printf "  %s: %d\n", order[i], n[order[i]] }' "$out/disasm.txt"
