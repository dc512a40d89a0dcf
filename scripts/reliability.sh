#!/bin/sh
# The deep reliability run: thousands of fuzz examples a test, 200 SIGKILL trials, every 1 MB case, every
# Neo4j URI; then the table of what was tried in RELIABILITY.md is rewritten from what this run counted.
#
#   scripts/reliability.sh            # deep (takes a while: see RELIABILITY.md for the last run's time)
#   HYPOTHESIS_PROFILE=ci scripts/reliability.sh   # the same, with the CI numbers (what `pytest` runs)
#
# Environment: RELIABILITY_KILL_TRIALS overrides the number of kill trials.
set -eu
cd "$(dirname "$0")/.."
PY="${PYTHON:-/work/venv/bin/python}"
[ -x "$PY" ] || PY=python
PROFILE="${HYPOTHESIS_PROFILE:-deep}"
LEDGER="$(mktemp "${TMPDIR:-/tmp}/reliability-ledger.XXXXXX.json")"
start=$(date +%s)
status=0
HYPOTHESIS_PROFILE="$PROFILE" RELIABILITY_LEDGER="$LEDGER" "$PY" -m pytest tests/reliability -p no:cacheprovider \
    -q -rxs "$@" || status=$?
end=$(date +%s)
"$PY" scripts/reliability_report.py "$LEDGER" RELIABILITY.md --seconds $((end - start))
rm -f "$LEDGER"
exit $status
