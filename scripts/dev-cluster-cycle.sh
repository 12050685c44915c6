#!/usr/bin/env bash
# Brings the dev cluster up and down N times (default 10) and checks after each `down` that no
# process, socket or runtime directory of it is left. Usage: sudo scripts/dev-cluster-cycle.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10}"
for i in $(seq 1 "$n"); do
  start=$(date +%s.%N)
  npm run --silent dev-cluster -- up --no-build >/dev/null 2>/tmp/dev-cluster-cycle.err || { cat /tmp/dev-cluster-cycle.err; exit 1; }
  . .dev-cluster/env
  state=$(sinfo -h -o %t)
  runtime="$QPU_DEV_CLUSTER_RUNTIME"
  npm run --silent dev-cluster -- down >/dev/null 2>&1
  sleep 0.2
  left=$(grep -l "SLURM_QPU_DEV_CLUSTER=$runtime" /proc/[0-9]*/environ 2>/dev/null | wc -l || true)
  [ -e "$runtime" ] && { echo "cycle $i: $runtime still exists"; exit 1; }
  [ "$state" = idle ] || { echo "cycle $i: node was '$state', not idle"; exit 1; }
  [ "$left" = 0 ] || { echo "cycle $i: $left process(es) left behind"; exit 1; }
  printf 'cycle %2d: up → idle → down in %.1f s, nothing left\n' "$i" "$(awk "BEGIN{print $(date +%s.%N) - $start}")"
done
