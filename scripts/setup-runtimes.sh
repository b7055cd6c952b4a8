#!/usr/bin/env bash
# Installs the runtimes the JS matrix runs in (filled in by the runtime-matrix work).
set -euo pipefail
