#!/usr/bin/env bash
# Mutation testing with Stryker.NET (dotnet-stryker 5.1.0, a local tool: see dotnet-tools.json).
# Not run in CI: on a 2-core machine each run takes from several minutes (FrameParser) to an hour or
# more (Rules Analysis/ or Syntax/, whose mutants run the generator tests too).
#
#   eng/mutation.sh                    # all three, one after the other
#   eng/mutation.sh frameparser        # Runtime/Classification/FrameParser.cs  (tests/Vmdq.Toolkit.Runtime.Tests)
#   eng/mutation.sh rules-analysis     # Rules/Analysis/  (tests/Vmdq.Toolkit.Rules.Tests + Generator.Tests)
#   eng/mutation.sh rules-syntax       # Rules/Syntax/    (the same test projects)
#
# Reports go to StrykerOutput/<config>/ at the repository root (html, json, and the clear-text
# table on the console); StrykerOutput/ is git-ignored. Scores and equivalent mutants: eng/stryker/README.md.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dotnet tool restore >/dev/null

run() {
    local config="$1" project
    case "$config" in
        frameparser) project=Runtime ;;
        rules-analysis|rules-syntax) project=Rules ;;
        *) echo "unknown config '$config' (frameparser, rules-analysis, rules-syntax)" >&2; return 2 ;;
    esac
    echo "== $config"
    # Stryker runs from the source project's directory; the config names the test projects relative to it.
    (cd "$root/$project" && dotnet stryker --config-file "$root/eng/stryker/$config.json" --output "$root/StrykerOutput/$config")
}

if [ "$#" -eq 0 ]; then
    set -- frameparser rules-analysis rules-syntax
fi

# One at a time: each run already uses the cores its config allows.
for config in "$@"; do
    run "$config"
done
