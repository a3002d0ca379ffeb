#!/usr/bin/env bash
# Mutation testing of the analysis and the claim judges with Stryker.NET, against the default test
# run of both test projects. Usage: build/mutation/stryker.sh [extra dotnet-stryker options]
# The report lands in artifacts/stryker/reports/mutation-report.html (and .json).
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet tool restore >/dev/null
dotnet build tests/Properties >/dev/null
# The test host loads TorchSharp's native library; on Debian 12 that needs the libstdc++ shim the
# build wrote (docs/dev/native-loading.md). `dotnet test` passes it through the run settings; Stryker's
# own test runner does not read them, so it goes in the environment here.
preload_file=tests/Properties/bin/Debug/net10.0/native/ld_preload.txt
if [[ -f "$preload_file" ]]; then export LD_PRELOAD="$(cat "$preload_file")"; fi
# Stryker compiles its mutants without optimization, where the step's vector kernel would otherwise
# stand aside for MKL (Runtime/SmallGemm.cs); its results, not its speed, are under test here.
export VERIFY_KERNEL_UNOPTIMIZED=1
# Stryker runs from the project under test when several test projects cover it.
root="$PWD"
cd src/Model
exec dotnet stryker --config-file "$root/build/mutation/${STRYKER_CONFIG:-stryker-config.json}" --output "$root/artifacts/stryker" "$@"
