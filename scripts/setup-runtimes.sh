#!/usr/bin/env bash
# Installs the runtimes the JS matrix (js-tests/runtimes/) runs in, idempotently:
#   - Deno 2, workerd, wrangler 3 (its bundler), Vite, esbuild, playwright-core, attw, publint:
#     npm devDependencies (pinned in package.json; `npm ci` in setup.sh installs them). Here we
#     only check that their binaries run (their postinstalls link platform binaries).
#   - Chromium: the Debian package, via apt, when /usr/bin/chromium is absent (needs root).
# A runtime that cannot be installed makes its matrix test FAIL; this script also exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=node_modules/.bin
check() { # name, command...
  local name=$1; shift
  # whole output first, then its first line (a `| head` could SIGPIPE the tool under pipefail)
  if out=$("$@" 2>/dev/null) && out=${out%%$'\n'*} && [ -n "$out" ]; then
    echo "setup-runtimes: $name: $out" >&2
  else
    echo "setup-runtimes: $name does not run ($*): $out" >&2
    return 1
  fi
}

# npm tools: if a postinstall was skipped (e.g. --ignore-scripts), run it now.
for pkg in deno workerd esbuild; do
  if [ -f "node_modules/$pkg/package.json" ] && ! "$bin/$pkg" --version >/dev/null 2>&1; then
    case $pkg in
      deno) (cd node_modules/deno && node ./install.cjs) ;;
      *) (cd "node_modules/$pkg" && node ./install.js) ;;
    esac
  fi
done

check deno "$bin/deno" --version
check workerd "$bin/workerd" --version
check wrangler "$bin/wrangler" --version
check esbuild "$bin/esbuild" --version
check vite "$bin/vite" --version
check attw "$bin/attw" --version
check publint "$bin/publint" --version
node -e "require.resolve('playwright-core')" || { echo "setup-runtimes: playwright-core missing" >&2; exit 1; }

# Chromium: the Debian package (156 on bookworm). playwright-core drives it with executablePath
# /usr/bin/chromium, so no browser download is ever needed.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi
  echo "setup-runtimes: installing chromium via apt (about 1.5 minutes)" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
check chromium /usr/bin/chromium --version
