#!/usr/bin/env bash
# The whole set of seeded rules-file mutations built by a consumer that calls the dispatcher
# (tests/Vmdq.Toolkit.Generator.Tests/ConsumerMutationTests.cs; CI runs the first 150).
# Usage: bash eng/consumer-mutations.sh [COUNT]   (default 1200; ~4 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
VMDQ_MUTATIONS="${1:-1200}" dotnet test tests/Vmdq.Toolkit.Generator.Tests \
  --filter "FullyQualifiedName~ConsumerMutationTests" --logger "console;verbosity=detailed"
