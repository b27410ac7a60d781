#!/usr/bin/env bash
# Prints the x64 code the JIT makes for generated Classify methods (each inlined into a Probe.ClassifyOnce*:
# every rule kind, and the dispatchers specialised to mac only, no tunnels, tunnels without inner),
# for FrameParser.Parse (which the JIT may or may not inline into it) and for the scalar decide kernel each calls
# (DispatchKernel.Decide, compiled on its own), and counts their conditional jumps: none in a Classify or a kernel,
# at most one (the runt check) in a parse, or the script fails. Then compiles the eight-frame parse ahead of time (NativeAOT, bench/JitBranches8) for
# an AVX-512 VBMI target, so its AVX-512 kernels are checked on any x64 machine: each kernel
# (FrameParser.Parse8, every parse variant, plain and masked loads) and the batch decide kernels
# (DispatchKernel.Decide4 and Decide8 with every rule kind, with and without S-channels) must have no conditional jump and no call,
# and the four-frame RSS hash (RssHash.Of4: input parse and carry-less Toeplitz) must have no conditional jump and no call,
# and the batch loops' prefetch steps (DispatchKernel.PrefetchBuckets4/Slots4/Buckets8/Slots8, and every helper they call)
# no conditional jump, or the script fails. Generated Classify with an rss pool is among the JIT-compiled ones. Needs the NativeAOT toolchain (the ILCompiler package, a C linker).
# Last, the batch loops as a running program compiles them (tiered, with PGO): the benchmark's --emulator-split runs the
# span and padded batch entries for a few seconds; the Tier-1 code of the batch entries and of every plain batch loop
# (FrameDispatch's BatchSteps.Plain, compiled on its own) may call the four- or eight-lane decide kernel (DispatchKernel.Decide,
# compiled on its own) but no piece of it (DispatchKernel, TableProbe), and the kernel's Tier-1 code must call nothing: such a
# call means the JIT ran out of inlining budget, which made the eight-lane batch 1.5x-1.6x and the four-lane one 1.15x
# slower. On an AVX-512 CPU this runs twice, the second time with DOTNET_EnableAVX512=0.
# Usage: bash bench/jit-branches.sh [--quiet]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d)
dotnet build bench/JitBranches -c Release -o "$out/bin" -v q -nologo >/dev/null
DOTNET_TieredCompilation=0 DOTNET_JitDisasm='ClassifyOnce* *FrameParser:Parse* *RssHash:Read *DispatchKernel:Decide*' DOTNET_JitStdOutFile="$out/disasm.txt" \
  dotnet "$out/bin/JitBranches.dll" >/dev/null
if [ "${1:-}" != "--quiet" ]; then cat "$out/disasm.txt"; fi
# Conditional jumps are j<cc>; jmp is unconditional.
jumps=$(grep -E '^\s+j[a-z]+\s' "$out/disasm.txt" | grep -vE '^\s+jmp\s' || true)
echo "methods: $(grep -c '^; Assembly listing for method' "$out/disasm.txt") ($(grep '^; Assembly listing for method' "$out/disasm.txt" | sed 's/.*method //; s/(.*//' | tr '\n' ' '))"
echo "calls: $(grep -cE '^\s+call\s' "$out/disasm.txt" || true)"
echo "conditional jumps in Classify + Parse + RssHash.Read: $(printf '%s' "$jumps" | grep -c . || true)"
printf '%s\n' "$jumps"
# Per method: each variant of the parse and the RSS input parse (RssHash:Read) should have exactly one (the runt check), each
# Classify none, and each scalar decide kernel (DispatchKernel.Decide, compiled on its own and called by Classify) none: the
# script fails otherwise.
awk '/^; Assembly listing for method/ { m = $6; n[m] = 0; order[++k] = m } /^[ \t]+j[a-z]+[ \t]/ && !/^[ \t]+jmp[ \t]/ { n[m]++ }
     END { for (i = 1; i <= k; i++) { m = order[i]; printf "  %s: %d\n", m, n[m]
             if (m ~ /DispatchKernel:Decide/) kernels++
             if ((m ~ /ClassifyOnce|DispatchKernel:Decide/ && n[m] > 0) || (m ~ /FrameParser:Parse|RssHash:Read/ && n[m] > 1)) bad++ }
           if (kernels == 0) { print "no scalar decide kernel listed: inlined into Classify again? (then its jumps are counted there)" }
           if (bad > 0) { printf "%d method(s) with more conditional jumps than allowed\n", bad; exit 1 } }' "$out/disasm.txt"

# The eight-frame parse (AVX-512 kernel), compiled for x86-64-v4 + VBMI whatever this CPU has.
dotnet publish bench/JitBranches8 -c Release --use-current-runtime -o "$out/aot" -p:JitOut="$out/disasm8.txt" -v q -nologo >/dev/null
if [ "${1:-}" != "--quiet" ]; then cat "$out/disasm8.txt"; fi
echo "eight-frame parse (NativeAOT, x86-64-v4 + avx512v2): instructions, conditional jumps, calls per method"
awk '/^; Assembly listing for method/ { m = $6; sub(/\(.*/, "", m); sub(/^Vmdq\.Toolkit\.FrameParser:/, "", m); gsub(/Vmdq\.Toolkit\.ParseVariants\+|Vmdq\.Toolkit\.FrameParser\+/, "", m); sub(/^Vmdq\.Toolkit\.Classification\.DispatchKernel:/, "DispatchKernel.", m); gsub(/Vmdq\.Toolkit\.Classification\.|System\.Runtime\.Intrinsics\.|Vmdq\.Toolkit\./, "", m); name[++k] = m }
     k && /^[ \t]+[a-z]/ { ins[k]++ }
     k && /^[ \t]+j[a-z]+[ \t]/ && !/^[ \t]+jmp[ \t]/ { j[k]++ }
     k && /^[ \t]+call[ \t]/ { c[k]++ }
     END { bad = 0; kernels = 0
           for (i = 1; i <= k; i++) {
             printf "  %-60.60s %4d instructions, %d conditional jumps, %d calls\n", name[i], ins[i], j[i], c[i]
             if (name[i] ~ /^Parse8\[/) { kernels++; if (j[i] + c[i] > 0) bad++ }
             if (name[i] ~ /^DispatchKernel\.Decide/) { decide++; if (j[i] + c[i] > 0) bad++ }
             if (name[i] ~ /g__Prefetch/) prefetch++
             if (name[i] ~ /Prefetch/ && j[i] > 0) bad++
             if (name[i] ~ /Rss4Once/) { rss++; if (j[i] + c[i] > 0) bad++ } }
           if (kernels != 8) { printf "expected 8 Parse8 kernels (4 variants x 2 load modes), found %d\n", kernels; exit 1 }
           if (decide != 4) { printf "expected the four- and eight-lane decide kernels, with and without S-channels, found %d\n", decide; exit 1 }
           if (prefetch != 4) { printf "expected the prefetch steps of four and eight lanes, with and without S-channels, found %d\n", prefetch; exit 1 }
           if (rss != 1) { printf "expected the four-frame RSS hash, found %d\n", rss; exit 1 }
           if (bad > 0) { printf "%d kernel(s) with a conditional jump or a call\n", bad; exit 1 }
           print "Parse8, Decide4 and Decide8 kernels and the four-frame RSS hash: no conditional jumps, no calls; prefetch steps and what they call: no conditional jumps" }' "$out/disasm8.txt"

# The batch loops after tiering (Tier1 and Tier1-OSR listings of the batch entries, of BatchSteps.Plain and of the decide
# kernel, from a run of the real entries). The kernel (DispatchKernel.Decide for four or eight lanes) is a call of its own,
# compiled with its own inlining budget; the loops and entries may call it but no piece of it (DispatchKernel, TableProbe)
# out of line, and its own listing must call nothing. Run as the CPU is, and on an AVX-512 CPU again with
# DOTNET_EnableAVX512=0, so the four-lane loops and kernel are checked too.
dotnet build bench/Vmdq.Toolkit.Benchmarks -c Release -o "$out/bench" -v q -nologo >/dev/null
check_loops() {
  env "$@" DOTNET_JitDisasm='Plain ClassifyBatch ClassifyBatchPadded Decide' DOTNET_JitStdOutFile="$out/loops.txt" \
    dotnet "$out/bench/Vmdq.Toolkit.Benchmarks.dll" --emulator-split 4 >/dev/null
  awk '/^; Assembly listing for method/ { m = $6; sub(/\(.*/, "", m); gsub(/Vmdq\.Toolkit\.FrameDispatch\+|Vmdq\.Toolkit\.ParseVariants\+|Vmdq\.Bench\.|Vmdq\.Toolkit\.Benchmarks\.|Vmdq\.Toolkit\.Classification\.|System\.Runtime\.Intrinsics\.|Vmdq\.Toolkit\./, "", m); tier = ""
         kernel = (m ~ /^DispatchKernel:Decide\[[^,]*,Vector(256|512)Lanes,/); loop = (m ~ /BatchSteps:Plain|:ClassifyBatch/); next }
       /^; Tier1/ && (kernel || loop) { tier = $2; n++; name[n] = m; t[n] = tier; isKernel[n] = kernel; calls[n] = 0 }
       tier != "" && loop && /^[ \t]+call[ \t].*(TableProbe:|DispatchKernel:)/ && !/ScalarLanes|DispatchKernel:Decide\[[^,]*,Vmdq\.Toolkit\.Classification\.Vector(256|512)Lanes,/ { calls[n]++ }
       tier != "" && kernel && /^[ \t]+call[ \t]/ { calls[n]++ }
       tier != "" && /^; Total bytes/ { tier = "" }
       END { for (i = 1; i <= n; i++) { printf "  %-90.90s %-9s %s calls: %d\n", name[i], t[i], isKernel[i] ? "" : "kernel-piece", calls[i]; if (calls[i] > 0) bad++; if (name[i] ~ /BatchSteps:Plain/) plain++; if (isKernel[i]) kernels++ }
             if (plain == 0) { print "no Tier-1 batch loop (BatchSteps.Plain) found: inlined into its entry?"; exit 1 }
             if (kernels == 0) { print "no Tier-1 four- or eight-lane decide kernel found: inlined into the loops?"; exit 1 }
             if (bad > 0) { printf "%d method(s) call a piece of the decide kernel out of line, or a kernel calls something\n", bad; exit 1 }
             print "batch entries and loops after tiering: one call to the decide kernel, which calls nothing" }' "$out/loops.txt"
}
check_loops
if grep -q avx512vbmi /proc/cpuinfo 2>/dev/null; then check_loops DOTNET_EnableAVX512=0; fi
