#!/usr/bin/env bash
# bench/run.sh: the end-to-end benchmark of issue 7. It builds vigil,
# generates a synthetic tenant with `vigil gen` (Azure Monitor NDJSON, plain
# and gzip), hunts it with the built-in pack at 1 and 2 cores, and times jq
# over the same plain files as a baseline, so the result is a ratio that holds
# on a noisy machine. See bench/README.md. Never run by .ci/run or go test.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: bench/run.sh [--users N] [--days N] [--seed N] [--runs N] [--dir DIR] [--keep]

  --users N  accounts in the generated tenant   (BENCH_USERS, default 765)
  --days N   days of traffic                    (BENCH_DAYS,  default 28)
             765 users x 28 days is about 1,000,000 sign-ins (~5 GB of JSON)
  --seed N   vigil gen --seed                   (BENCH_SEED,  default 1)
  --runs N   time every command N times, report the fastest
                                                (BENCH_RUNS,  default 1)
  --dir DIR  work directory                     (BENCH_DIR,   default: a new
             temporary directory under ${TMPDIR:-/tmp})
  --keep     keep the corpus, binary and logs   (BENCH_KEEP=1)

Prints a Markdown table and writes it to DIR/results.md.
EOF
}

users=${BENCH_USERS:-765}
days=${BENCH_DAYS:-28}
seed=${BENCH_SEED:-1}
runs=${BENCH_RUNS:-1}
dir=${BENCH_DIR:-}
keep=${BENCH_KEEP:-0}

while [ $# -gt 0 ]; do
  case $1 in
    --users) users=$2; shift 2 ;;
    --days) days=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $1" >&2; usage >&2; exit 2 ;;
  esac
done

for v in users days seed runs; do
  if ! [[ ${!v} =~ ^[0-9]+$ ]] || { [ "$v" != seed ] && [ "${!v}" -eq 0 ]; }; then
    echo "bench/run.sh: --$v must be a positive integer, got '${!v}'" >&2
    exit 2
  fi
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

log() { printf '[bench %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------- tools
# GNU time (for -v: wall time and peak RSS) and jq, from Debian packages when
# missing, and only then.
apt_install() {
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
      sudo=(sudo)
    else
      echo "bench/run.sh: $* missing and not root: apt-get install $*" >&2
      exit 1
    fi
  fi
  log "installing $* (apt-get)"
  if ! "${sudo[@]}" apt-get install -y "$@" >/dev/null; then
    "${sudo[@]}" apt-get update >/dev/null
    "${sudo[@]}" apt-get install -y "$@" >/dev/null
  fi
}
if ! /usr/bin/time -v true >/dev/null 2>&1; then apt_install time; fi
if ! command -v jq >/dev/null; then apt_install jq; fi
command -v go >/dev/null || { echo "bench/run.sh: go not found" >&2; exit 1; }

# ---------------------------------------------------------------- work dir
created=0
if [ -z "$dir" ]; then
  dir=$(mktemp -d "${TMPDIR:-/tmp}/vigil-bench.XXXXXX")
  created=1
else
  mkdir -p "$dir"
fi
work=$(cd "$dir" && pwd)
plain=$work/corpus-plain
gz=$work/corpus-gzip
out=$work/out

cleanup() {
  if [ "$keep" = 1 ]; then
    log "kept $work (BENCH_KEEP=1)"
  elif [ "$created" = 1 ]; then
    rm -rf "$work"
  else
    # A directory the user named: remove only what this script made in it,
    # leave results.md.
    rm -rf "$plain" "$gz" "$out" "$work/vigil"
  fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- build
log "building vigil in $work"
(cd "$root" && go build -o "$work/vigil" ./cmd/vigil)
rev=$(cd "$root" && git describe --always --dirty 2>/dev/null || echo unknown)

# ---------------------------------------------------------------- corpus
rm -rf "$plain" "$gz" "$out"
mkdir -p "$out"
log "generating $users users x $days days (seed $seed), plain"
"$work/vigil" gen --shape azmon --users "$users" --days "$days" --seed "$seed" \
  --out "$plain" >"$out/gen-plain.log"
log "generating the same tenant with --gzip"
"$work/vigil" gen --shape azmon --users "$users" --days "$days" --seed "$seed" \
  --gzip --out "$gz" >"$out/gen-gzip.log"

events=$(sed -n 's/^wrote \([0-9][0-9]*\) sign-ins.*/\1/p' "$out/gen-plain.log")
if [ -z "$events" ]; then
  echo "bench/run.sh: no 'wrote N sign-ins' line from vigil gen:" >&2
  cat "$out/gen-plain.log" >&2
  exit 1
fi

# Sizes in bytes. vigil hunts the whole directory (sign-ins and the
# IdentityInfo/BehaviorAnalytics tables; it skips dot files such as
# .labels.jsonl); jq reads the sign-in files, those holding {"records":[…]}.
# awk may be mawk, whose %d stops at 2^31 - 1: sums are printed with %.0f.
sumsize() { find "$@" -printf '%s\n' | awk '{s += $1} END {printf "%.0f\n", s}'; }
plain_bytes=$(sumsize "$plain" -type f ! -name '.*')
gz_bytes=$(sumsize "$gz" -type f ! -name '.*')
jq_files=()
while IFS= read -r f; do
  if [ "$(head -c 11 "$f")" = '{"records":' ]; then jq_files+=("$f"); fi
done < <(find "$plain" -type f ! -name '.*' | LC_ALL=C sort)
if [ ${#jq_files[@]} -eq 0 ]; then
  echo "bench/run.sh: no Azure Monitor sign-in files in $plain" >&2
  exit 1
fi
jq_bytes=$(sumsize "${jq_files[@]}")
all_files=$(find "$plain" -type f ! -name '.*' | wc -l)
tables=$((all_files - ${#jq_files[@]}))
batches=$(cat "${jq_files[@]}" | wc -l)
log "corpus: $events sign-ins in ${#jq_files[@]} files, $batches {\"records\":[…]} lines; $plain_bytes bytes plain, $gz_bytes gzip"

# ---------------------------------------------------------------- timing
# timed NAME CMD...: runs CMD under /usr/bin/time -v with its standard output
# in $out/NAME.out, and sets wall (seconds), rss (KiB) and cpu (percent of one
# core: user + system time over wall time).
timed() {
  local name=$1
  shift
  if ! /usr/bin/time -v -o "$out/$name.time" "$@" >"$out/$name.out" 2>"$out/$name.err"; then
    echo "bench/run.sh: $name failed: $*" >&2
    tail -n 20 "$out/$name.err" "$out/$name.time" >&2 || true
    exit 1
  fi
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
      n = split($2, p, ":"); s = 0
      for (i = 1; i <= n; i++) s = s * 60 + p[i]
      printf "%.2f\n", s }' "$out/$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/$name.time")
  cpu=$(awk -F': ' '/Percent of CPU/ {print $2}' "$out/$name.time")
}

jq_filter='.records[] | select(.properties.status.errorCode==65004)'

declare -A best_wall best_rss best_cpu best_count best_events all_walls
# record NAME COUNT EVENTS: keeps the fastest run of NAME.
record() {
  all_walls[$1]="${all_walls[$1]:-}${all_walls[$1]:+, }$wall"
  if [ -z "${best_wall[$1]:-}" ] || awk -v a="$wall" -v b="${best_wall[$1]}" 'BEGIN {exit !(a < b)}'; then
    best_wall[$1]=$wall
    best_rss[$1]=$rss
    best_cpu[$1]=$cpu
    best_count[$1]=$2
    best_events[$1]=$3
  fi
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
configs=("1 plain" "2 plain" "1 gzip" "2 gzip")
for ((r = 1; r <= runs; r++)); do
  log "run $r/$runs: jq"
  timed jq jq -c "$jq_filter" "${jq_files[@]}"
  record jq "$(wc -l <"$out/jq.out")" "$events"
  for c in "${configs[@]}"; do
    read -r cores input <<<"$c"
    name=vigil-$cores-$input
    corpus=$plain
    [ "$input" = gzip ] && corpus=$gz
    log "run $r/$runs: vigil hunt, $cores core(s), $input"
    timed "$name" env GOMAXPROCS="$cores" "$work/vigil" hunt --workers "$cores" \
      --output "$out/$name.alerts.jsonl" "$corpus"
    n=$(sed -n 's/^read .*: \([0-9][0-9]*\) sign-ins.*/\1/p' "$out/$name.out")
    if [ -z "$n" ]; then
      log "warning: no 'read … N sign-ins' summary from vigil hunt; using gen's count"
      n=$events
    elif [ "$n" != "$events" ]; then
      log "warning: vigil hunt read $n sign-ins, vigil gen wrote $events"
    fi
    record "$name" "$(wc -l <"$out/$name.alerts.jsonl")" "$n"
  done
done

# ---------------------------------------------------------------- report
cpu_model=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
[ -n "$cpu_model" ] || cpu_model=unknown
goversion=$(go version)
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
fmt_int() { awk -v n="$1" 'BEGIN {s = sprintf("%.0f", n); o = ""
    while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) }
    print s o }'; }
mb() { fmt_int "$(awk -v b="$1" 'BEGIN {printf "%.0f", b / 1e6}')"; }
rate() { awk -v n="$1" -v w="$2" 'BEGIN {printf "%.0f", (w > 0 ? n / w : 0)}'; }
mbps() { awk -v b="$1" -v w="$2" 'BEGIN {printf "%.0f", (w > 0 ? b / 1e6 / w : 0)}'; }

jq_rate=$(rate "${best_events[jq]}" "${best_wall[jq]}")
cmdline="BENCH_USERS=$users BENCH_DAYS=$days BENCH_SEED=$seed BENCH_RUNS=$runs bench/run.sh"

row() { # row NAME LABEL CORES INPUT BYTES COUNT_LABEL
  local n=$1 ev=${best_events[$1]} w=${best_wall[$1]}
  local r x
  r=$(rate "$ev" "$w")
  if [ "$n" = jq ]; then
    x="1.0×"
  else
    x=$(awk -v a="$r" -v b="$jq_rate" 'BEGIN {printf "%.1f×", (b > 0 ? a / b : 0)}')
  fi
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' \
    "$2" "$3" "$4" "$w" "$(fmt_int "$r")" "$(mbps "$5" "$w")" "${best_cpu[$1]}" \
    "$(fmt_int $((best_rss[$1] / 1024)))" "$(fmt_int "${best_count[$1]}")$6" "$x"
}

{
  echo "| command | cores | input | wall s | events/s | MB/s | CPU | peak RSS MB | alerts | vs jq |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  row vigil-1-plain "vigil hunt" 1 "plain" "$plain_bytes" ""
  row vigil-2-plain "vigil hunt" 2 "plain" "$plain_bytes" ""
  row vigil-1-gzip "vigil hunt" 1 "gzip" "$plain_bytes" ""
  row vigil-2-gzip "vigil hunt" 2 "gzip" "$plain_bytes" ""
  row jq "jq (baseline)" 1 "plain" "$jq_bytes" " (65004 records)"
  echo
  echo "- corpus: \`vigil gen --shape azmon --users $users --days $days --seed $seed\`" \
    "(and \`--gzip\`): $(fmt_int "$events") sign-ins, $(mb "$plain_bytes") MB of JSON" \
    "($(mb "$gz_bytes") MB gzip) in ${#jq_files[@]} sign-in files plus $tables table file(s)," \
    "one \`{\"records\":[…]}\` batch per line ($(fmt_int "$batches") lines)"
  echo "- vigil: \`GOMAXPROCS=N vigil hunt --workers N --output alerts.jsonl DIR\`" \
    "(built-in pack; events from its summary line; alerts = lines written)"
  echo "- jq: \`jq -c '$jq_filter' FILES\` over the plain sign-in files" \
    "($(mb "$jq_bytes") MB), $(jq --version)"
  echo "- MB/s counts uncompressed JSON bytes, also for gzip input;" \
    "wall time, CPU (user + system over wall) and peak RSS from \`/usr/bin/time -v\`;" \
    "fastest of $runs run(s); warm page cache"
  if [ "$runs" -gt 1 ]; then
    echo "- wall s of every run: vigil 1 core plain ${all_walls[vigil-1-plain]};" \
      "2 cores plain ${all_walls[vigil-2-plain]}; 1 core gzip ${all_walls[vigil-1-gzip]};" \
      "2 cores gzip ${all_walls[vigil-2-gzip]}; jq ${all_walls[jq]}"
  fi
  echo "- machine: $(nproc) cores, $cpu_model; $goversion; vigil $rev;" \
    "load average (1, 5, 15 min) $load_start before the timed runs, $load_end after"
  echo "- command: \`$cmdline\`"
} >"$work/results.md"

log "done"
echo
cat "$work/results.md"
if [ "$created" = 1 ] && [ "$keep" != 1 ]; then
  log "the temporary work directory is removed; pass --dir DIR or --keep to keep results.md"
fi
