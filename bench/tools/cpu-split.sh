#!/bin/bash
# Where the CPU goes during a load: CPU seconds of each Stratus process, of nats-server, PostgreSQL,
# dockerd and containerd-shim (from /proc) and of all containers (cgroup v1 cpuacct), while autocannon
# drives one function URL. Run against a platform started with `npm start` (or its components).
#   bash bench/tools/cpu-split.sh http://127.0.0.1:8080/function/NAME [concurrency=32] [seconds=10]
set -euo pipefail
URL=$1; C=${2:-32}; D=${3:-10}
cd "$(dirname "$0")/../.."
tick=$(getconf CLK_TCK)
pcpu() { awk '{print $14+$15}' /proc/"$1"/stat 2>/dev/null || echo 0; }
sum() { local s=0 p; for p in "$@"; do s=$((s + $(pcpu "$p"))); done; echo $s; }
containers() { local s=0 f; for f in /sys/fs/cgroup/cpuacct/docker/*/cpuacct.usage; do [ -e "$f" ] && s=$((s + $(cat "$f"))); done; echo $s; }
declare -A pids=(
  [control-plane]="$(pgrep -f 'control-plane/src/main.ts' | tr '\n' ' ')"
  [node-agent]="$(pgrep -f 'node-agent/src/main.ts' | tr '\n' ' ')"
  [http-gateway]="$(pgrep -f 'http-gateway/src/main.ts' | tr '\n' ' ')"
  [nats-server]="$(pgrep -x nats-server | tr '\n' ' ')"
  [postgres]="$(pgrep -x postgres | tr '\n' ' ')"
  [dockerd]="$(pgrep -x dockerd | tr '\n' ' ')"
  [containerd-shim]="$(pgrep -f containerd-shim | tr '\n' ' ')"
)
declare -A before
for k in "${!pids[@]}"; do before[$k]=$(sum ${pids[$k]}); done
c0=$(containers)
out=$(npx autocannon --json -c "$C" -d "$D" -m POST -b '{}' "$URL" 2>/dev/null)
c1=$(containers)
requests=$(echo "$out" | node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>console.log(JSON.parse(s).requests.total))')
echo "$requests requests in ${D} s at concurrency $C ($URL)"
printf '%-16s %10s %12s\n' process 'CPU s' 'µs/request'
for k in node-agent http-gateway control-plane nats-server postgres dockerd containerd-shim; do
  s=$(( $(sum ${pids[$k]}) - ${before[$k]} ))
  printf '%-16s %10.2f %12.0f\n' "$k" "$(echo "$s/$tick" | bc -l)" "$(echo "$s/$tick*1000000/$requests" | bc -l)"
done
printf '%-16s %10.2f %12.0f\n' containers "$(echo "($c1-$c0)/1000000000" | bc -l)" "$(echo "($c1-$c0)/1000/$requests" | bc -l)"
