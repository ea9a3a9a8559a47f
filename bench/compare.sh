#!/usr/bin/env bash
# bench/compare.sh: before/after numbers for a change, with benchstat. It
# builds vigil at two revisions, hunts the same generated corpus with each,
# alternating runs so that a noisy machine disturbs both alike, and prints
# benchstat's comparison of wall time, events/s and peak RSS at 1 and 2
# cores; with --go it also compares the Go benchmarks of the packages given.
# See docs/performance.md. Never run by .ci/run or go test.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/compare.sh [--users N] [--days N] [--runs N] [--dir DIR]
                        [--go 'PKG… -bench REGEXP'] OLD [NEW]

  OLD, NEW   git revisions to compare (NEW defaults to the work tree as it is)
  --users N  accounts in the generated tenant (default 100)
  --days N   days of traffic (default 28; 100 x 28 is ~130k sign-ins, 640 MB)
  --runs N   hunts per revision and core count (default 5)
  --dir DIR  work directory (default: a new temporary directory)
  --go ARGS  also run `go test -run XXX ARGS` RUNS times at both revisions,
             e.g. --go './internal/normalize/ -bench AzureMonitor'
EOF
}

users=100 days=28 runs=5 dir= goargs=
while [ $# -gt 0 ]; do
  case $1 in
    --users) users=$2; shift 2 ;;
    --days) days=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --go) goargs=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    -*) echo "bench/compare.sh: unknown flag $1" >&2; usage >&2; exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] && [ $# -le 2 ] || { usage >&2; exit 2; }
old=$1 new=${2:-}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${dir:-$(mktemp -d "${TMPDIR:-/tmp}/vigil-compare.XXXXXX")}
mkdir -p "$dir"
log() { printf '[compare %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
/usr/bin/time -f %e true 2>/dev/null || { echo "bench/compare.sh: needs GNU time (apt-get install time)" >&2; exit 1; }

# benchstat, pinned, from the Go module proxy.
benchstat=(go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da)

# checkout REV DEST: the source tree of a revision ("" = the work tree).
checkout() {
  rm -rf "$2" && mkdir -p "$2"
  if [ -z "$1" ]; then
    (cd "$root" && git ls-files -co --exclude-standard -z | xargs -0 tar -cf - ) | tar -xf - -C "$2"
  else
    git -C "$root" archive "$1" | tar -xf - -C "$2"
  fi
}

for side in old new; do
  rev=${!side}
  log "building ${rev:-the work tree} ($side)"
  checkout "$rev" "$dir/src-$side"
  (cd "$dir/src-$side" && go build -o "$dir/vigil-$side" ./cmd/vigil)
done

if [ ! -d "$dir/corpus" ]; then
  log "generating $users users x $days days"
  "$dir/vigil-new" gen --users "$users" --days "$days" --seed 1 --shape azmon --out "$dir/corpus" >/dev/null
fi
events=$("$dir/vigil-new" hunt --output /dev/null "$dir/corpus" 2>&1 | grep -o '[0-9]* sign-ins,' | head -1 | cut -d' ' -f1)
log "$events sign-ins; $runs hunts per revision and core count"

: >"$dir/old.txt"
: >"$dir/new.txt"
for i in $(seq "$runs"); do
  for side in old new; do
    for w in 1 2; do
      read -r secs rss < <(GOMAXPROCS=$w /usr/bin/time -f "%e %M" "$dir/vigil-$side" hunt --workers "$w" --quiet \
        --output "$dir/alerts-$side.jsonl" "$dir/corpus" 2>&1 >/dev/null | tail -1)
      awk -v s="$secs" -v r="$rss" -v n="$events" -v w="$w" \
        'BEGIN{printf "BenchmarkHunt/cores=%d 1 %.0f ns/op %.0f events/s %.0f peak-RSS-B\n", w, s*1e9, n/s, r*1024}' >>"$dir/$side.txt"
    done
  done
done
if cmp -s "$dir/alerts-old.jsonl" "$dir/alerts-new.jsonl"; then
  log "alerts: identical ($(wc -l <"$dir/alerts-new.jsonl") lines)"
elif command -v jq >/dev/null &&
  cmp -s <(jq -c 'del(.evidence, .evidence_truncated)' "$dir/alerts-old.jsonl") \
    <(jq -c 'del(.evidence, .evidence_truncated)' "$dir/alerts-new.jsonl"); then
  log "alerts: identical but for their evidence ($(wc -l <"$dir/alerts-new.jsonl") lines)"
else
  log "alerts: DIFFER between the revisions (see $dir/alerts-*.jsonl)"
fi

if [ -n "$goargs" ]; then
  log "go test -run XXX $goargs, $runs times per revision, alternating"
  for i in $(seq "$runs"); do
    for side in old new; do
      # shellcheck disable=SC2086
      (cd "$dir/src-$side" && go test -run XXX -count 1 $goargs) >>"$dir/$side.txt"
    done
  done
fi
(cd "$root" && "${benchstat[@]}" "old=$dir/old.txt" "new=$dir/new.txt")
