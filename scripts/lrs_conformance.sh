#!/usr/bin/env bash
# Runs ADL's LRS conformance test suite (adlnet/lrs-conformance-test-suite, Node) against a
# learnloop server started here on 127.0.0.1 with a fresh SQLite workspace, and prints the
# suite's counts. Needs node and npm (the suite's dependencies come from the npm registry), and
# git with access to GitHub unless LRS_CONFORMANCE_SUITE names a local copy of the suite.
#
#   scripts/lrs_conformance.sh [--grep PATTERN]       (WORK=folder to keep the suite elsewhere)
#   LRS_CONFORMANCE_SUITE=/path/to/lrs-conformance-test-suite scripts/lrs_conformance.sh
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
work="${WORK:-$here/benchmarks/.work/conformance}"
python="${PYTHON:-$here/.venv/bin/python}"
suite="${LRS_CONFORMANCE_SUITE:-$work/lrs-conformance-test-suite}"
mkdir -p "$work"

if [ ! -d "$suite/node_modules" ]; then
    if [ ! -d "$suite" ]; then
        git clone --depth 1 https://github.com/adlnet/lrs-conformance-test-suite.git "$suite"
    fi
    (cd "$suite" && npm install --no-audit --no-fund)
fi

home="$(mktemp -d "$work/home.XXXXXX")"
export LEARNLOOP_HOME="$home"
unset LEARNLOOP_DATABASE_URL
credentials="$("$python" -m learnloop.cli lrs client create --name conformance --scope all --json)"
username="$(printf '%s' "$credentials" | "$python" -c 'import json,sys; print(json.load(sys.stdin)["username"])')"
password="$(printf '%s' "$credentials" | "$python" -c 'import json,sys; print(json.load(sys.stdin)["password"])')"
port="$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

"$python" -m learnloop.cli serve --port "$port" --no-worker > "$home/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
    if curl -fs "http://127.0.0.1:$port/api/health" > /dev/null; then break; fi
    sleep 0.2
done

cd "$suite"
node bin/console_runner.js -x 1.0.3 -e "http://127.0.0.1:$port/xapi" -a -u "$username" \
    -p "$password" "$@" 2>&1 | tee "$home/conformance.log" || true
echo "---"
summary="$(grep -E '^\{"total"' "$home/conformance.log" | tail -1)"
echo "summary: ${summary:-none (see the log)}"
echo "full log: $home/conformance.log (server log: $home/server.log)"
