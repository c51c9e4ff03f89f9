#!/usr/bin/env bash
# One fresh synthetic world end to end, timed: synth → master load → candidates → run → score.
#
#   bash bench/world_e2e.sh DIR SEED STYLE [TAXPAYERS REQUESTS [NOISE]]
#
# STYLE is split or line; NOISE is the request noise model, default or alt (taxgate synth
# --noise). Writes DIR/{synth,load,blocking,run}.log (each ends with the wall
# time and peak RSS from /usr/bin/time) and DIR/score.json. Run it on a quiet machine: the
# wall times are what bench/RESULTS.md records.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
T="$here/.venv/bin/taxgate"
P="$here/.venv/bin/python"
dir=$1 seed=$2 style=$3 taxpayers=${4:-1000000} requests=${5:-100000} noise=${6:-default}
mkdir -p "$dir" && cd "$dir"
"$T" init ws >/dev/null
"$T" keys new keys --name ice-director >/dev/null
"$T" agreement add-signer ws --name ice-director --public-key keys/ice-director.pub.pem \
    --valid-from 2025-04-07 >/dev/null
/usr/bin/time -f "synth %e s %M KB" "$T" synth world --taxpayers "$taxpayers" \
    --requests "$requests" --seed "$seed" --address-style "$style" --noise "$noise" \
    --sign-key keys/ice-director.key.pem --signer ice-director > synth.log 2>&1
/usr/bin/time -f "load %e s %M KB" "$T" master load ws world/master > load.log 2>&1
/usr/bin/time -f "blocking %e s %M KB" "$P" "$here/bench/blocking.py" ws world > blocking.log 2>&1
/usr/bin/time -f "run %e s %M KB" "$T" run ws world/manifest.json --out out > run.log 2>&1
"$T" score out/response.csv world/truth.parquet --json-out score.json
for log in synth load blocking run; do tail -n 1 "$log.log"; done
