#!/usr/bin/env bash
# The XRides feed end to end on the whole system, against a plain binary COPY of the same rows (see IngestBench/Program.cs).
# Writes bench/results/ingest-<date>.md. Usage: bench/ingest/run.sh [rounds, default 3]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dotnet build "$ROOT/Fleet.sln" -c Release -nologo -v:q -clp:ErrorsOnly
dotnet build "$ROOT/bench/ingest/IngestBench" -c Release -nologo -v:q -clp:ErrorsOnly
cd "$ROOT/bench/ingest/IngestBench"
dotnet bin/Release/net10.0/Fleet.IngestBench.dll "${1:-3}" "$ROOT/bench/results/ingest-$(date -u +%F).md"
