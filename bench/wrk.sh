#!/usr/bin/env bash
# wrk.sh: whole-server throughput of `latch serve` (memory and SQLite
# stores) beside a bare net/http server (cmd/bare), on loopback only.
#
#   bench/wrk.sh [-d SECONDS] [-r ROUNDS] [-c CONNECTIONS] [--bare-only] [--access-log]
#
# Builds both, starts each on a free 127.0.0.1 port in a temporary
# directory, signs in with curl, then runs wrk (2 threads, 32 connections,
# 5 s by default) in ROUNDS interleaved rounds (3 by default) of:
#   GET /                      signed in
#   PUT /api/session/data/k    signed in, body "hello" (JSON)
#   POST /login                a successful sign-in (argon2id verify)
#   GET / under load           the signed-in GET / while a second wrk keeps
#                              64 sign-ins in flight (p99 against idle)
# and prints the median of each with the ratio latch/bare. latch's access
# log is off (the bare server has none) unless --access-log. Needs go, wrk
# and curl. Every loop is bounded; all started processes are killed on exit.
set -euo pipefail

dur=5 rounds=3 conns=32 threads=2 flood=64 bare_only=0 access_log=false
while [ $# -gt 0 ]; do
	case $1 in
	-d) dur=$2; shift 2 ;;
	-r) rounds=$2; shift 2 ;;
	-c) conns=$2; shift 2 ;;
	--bare-only) bare_only=1; shift ;;
	--access-log) access_log=true; shift ;;
	-h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "wrk.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
done
for n in "$dur" "$rounds" "$conns"; do
	[[ $n =~ ^[1-9][0-9]{0,3}$ ]] || { echo "wrk.sh: -d, -r and -c take a whole number from 1 to 9999" >&2; exit 2; }
done
for tool in go wrk curl; do
	command -v "$tool" >/dev/null || { echo "wrk.sh: $tool is not installed" >&2; exit 2; }
done

here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
pids=()
errors=()

# stop ends every process this script started: SIGTERM, up to 5 s to
# finish, then SIGKILL.
stop() {
	local p i
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do
		for i in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	pids=()
}
trap 'stop; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*" >&2; }

# free_port prints a loopback port that nothing listens on.
free_port() {
	local p i
	for i in $(seq 1 50); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	say "wrk.sh: no free port found"
	return 1
}

# urlencode prints $1 percent-encoded for a form body.
urlencode() {
	local s=$1 out='' c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[a-zA-Z0-9.~_-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	printf '%s' "$out"
}

# start NAME CMD...: runs CMD in $tmp, its output in $tmp/NAME.{out,err}.
start() {
	local name=$1
	shift
	(cd "$tmp" && exec "$@") >"$tmp/$name.out" 2>"$tmp/$name.err" &
	pids+=($!)
}

# wait_ready NAME BASE: waits up to 20 s for BASE/healthz to answer.
wait_ready() {
	local i
	for i in $(seq 1 200); do
		curl -fsS -o /dev/null --max-time 1 "$2/healthz" 2>/dev/null && return 0
		sleep 0.1
	done
	say "wrk.sh: $1 did not answer on $2/healthz within 20 s; its stderr:"
	cat "$tmp/$1.err" >&2
	return 1
}

# admin_password NAME: the password latch printed at its first start.
admin_password() {
	local i line
	for i in $(seq 1 100); do
		line=$(grep -m1 'created user admin with password ' "$tmp/$1.err" || true)
		if [ -n "$line" ]; then
			printf '%s' "$line" | sed 's/.*created user admin with password \([^ ]*\).*/\1/'
			return
		fi
		sleep 0.1
	done
	say "wrk.sh: $1 printed no admin password; its stderr:"
	cat "$tmp/$1.err" >&2
	return 1
}

# post_login NAME BASE PASSWORD: signs in as admin with curl; the cookies
# go to $tmp/NAME.jar.
post_login() {
	local code
	code=$(curl -sS -o /dev/null --max-time 10 -c "$tmp/$1.jar" -w '%{http_code}' \
		--data-urlencode username=admin --data-urlencode "password=$3" "$2/login")
	if [ "$code" != 303 ]; then
		say "wrk.sh: signing in to $1 answered $code, want 303"
		return 1
	fi
}

# sign_in NAME BASE PASSWORD: signs in as admin, prints "sessionid=VALUE".
sign_in() {
	local cookie
	post_login "$@"
	cookie=$(awk -F'\t' '$6 == "sessionid" { print $6 "=" $7 }' "$tmp/$1.jar")
	if [ -z "$cookie" ]; then
		say "wrk.sh: signing in to $1 set no sessionid cookie"
		return 1
	fi
	printf '%s' "$cookie"
}

# check_home NAME: the signed-in GET / must answer 200 with a welcome.
check_home() {
	local code
	code=$(curl -sS -o "$tmp/home.html" --max-time 10 -w '%{http_code}' \
		-H "Cookie: ${cookie[$1]}" "${base[$1]}/")
	if [ "$code" != 200 ] || ! grep -q 'Welcome' "$tmp/home.html"; then
		say "wrk.sh: signed-in GET / on $1 answered $code without a welcome"
		return 1
	fi
}

# ms VALUE: a wrk latency (850.00us, 1.20ms, 2.01s) in milliseconds.
ms() {
	awk -v v="$1" 'BEGIN {
		n = v + 0
		if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n *= 1; else if (v ~ /m$/) n *= 60000; else if (v ~ /s$/) n *= 1000
		printf "%.2f", n
	}'
}

# run_wrk NAME WORKLOAD [WRK ARGS...]: one wrk run against NAME; appends
# "req/s p99-ms errors" to $tmp/res/NAME.WORKLOAD. An error is an answer
# other than 2xx/3xx, or a socket error; they are reported at the end.
run_wrk() {
	local name=$1 workload=$2 out rps p99 bad
	shift 2
	out=$tmp/wrk.$name.$workload.txt
	wrk -t"$threads" -c"$conns" -d"${dur}s" --timeout 10s --latency "$@" >"$out"
	rps=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
	p99=$(ms "$(awk '$1 == "99%" { print $2 }' "$out")")
	bad=$(awk '/Non-2xx or 3xx responses:/ { n += $NF } /Socket errors:/ { gsub(",", ""); n += $4 + $6 + $8 + $10 } END { print n + 0 }' "$out")
	echo "$rps $p99 $bad" >>"$tmp/res/$name.$workload"
	printf '  %-7s %-9s %10.0f req/s   p99 %8.2f ms' "$name" "$workload" "$rps" "$p99" >&2
	if [ "$bad" != 0 ]; then
		printf '   %s ERRORS' "$bad" >&2
		errors+=("$name $workload: $bad errors")
	fi
	printf '\n' >&2
}

# status_counts NAME: latch's count of answers by status, from /metrics.
status_counts() {
	curl -sS --max-time 5 "${base[$1]}/metrics" 2>/dev/null |
		awk '/^latch_http_requests_total/ { printf "%s ", $0 } END { print "" }'
}

# flood NAME: 64 sign-ins in flight for the next dur+2 s, in the background.
flood() {
	wrk -t1 -c"$flood" -d"$((dur + 2))s" --timeout 30s -s "$tmp/login.$1.lua" "${base[$1]}/login" \
		>"$tmp/flood.$1.txt" &
	pids+=($!)
	flood_pid=$!
}

# --- build ----------------------------------------------------------------
say "building in $tmp"
(cd "$here" && go build -o "$tmp/bare" ./cmd/bare)
targets=(bare)
if [ "$bare_only" = 0 ]; then
	if ! (cd "$here/.." && go build -o "$tmp/latch" ./cmd/latch); then
		say "wrk.sh: latch does not build (use --bare-only to try the script without it)"
		exit 1
	fi
	targets+=(mem sqlite)
fi
mkdir "$tmp/res"

# --- start ----------------------------------------------------------------
declare -A base cookie password
port=$(free_port)
base[bare]=http://127.0.0.1:$port
password[bare]=bench
start bare "$tmp/bare" -addr "127.0.0.1:$port" -password bench
wait_ready bare "${base[bare]}"
post_login bare "${base[bare]}" bench
# The bare server issues no cookie: give it one as long as latch's.
cookie[bare]=sessionid=$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')

if [ "$bare_only" = 0 ]; then
	port=$(free_port)
	base[mem]=http://127.0.0.1:$port
	start mem "$tmp/latch" serve --addr "127.0.0.1:$port" --store memory: \
		--users sqlite://users-mem.db --secret-file mem.secret --login-limit 1000000/1s \
		--access-log="$access_log"
	port=$(free_port)
	base[sqlite]=http://127.0.0.1:$port
	start sqlite "$tmp/latch" serve --addr "127.0.0.1:$port" --store sqlite://latch.db \
		--secret-file sqlite.secret --login-limit 1000000/1s --access-log="$access_log"
	for t in mem sqlite; do
		wait_ready "$t" "${base[$t]}"
		password[$t]=$(admin_password "$t")
		cookie[$t]=$(sign_in "$t" "${base[$t]}" "${password[$t]}")
	done
fi

for t in "${targets[@]}"; do
	check_home "$t"
	cat >"$tmp/put.lua" <<-'EOF'
		wrk.method = "PUT"
		wrk.body = '"hello"'
		wrk.headers["Content-Type"] = "application/json"
	EOF
	cat >"$tmp/login.$t.lua" <<-EOF
		wrk.method = "POST"
		wrk.body = "username=admin&password=$(urlencode "${password[$t]}")&next=%2F"
		wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
	EOF
	# Warm up: one second of GET /.
	wrk -t"$threads" -c"$conns" -d1s -H "Cookie: ${cookie[$t]}" "${base[$t]}/" >/dev/null
done

# --- measure --------------------------------------------------------------
for r in $(seq 1 "$rounds"); do
	say "round $r of $rounds"
	for t in "${targets[@]}"; do
		run_wrk "$t" get -H "Cookie: ${cookie[$t]}" "${base[$t]}/"
	done
	for t in "${targets[@]}"; do
		run_wrk "$t" put -H "Cookie: ${cookie[$t]}" -s "$tmp/put.lua" "${base[$t]}/api/session/data/k"
	done
	for t in "${targets[@]}"; do
		run_wrk "$t" login -s "$tmp/login.$t.lua" "${base[$t]}/login"
	done
	for t in "${targets[@]}"; do
		flood "$t"
		sleep 1
		run_wrk "$t" loaded -H "Cookie: ${cookie[$t]}" "${base[$t]}/"
		wait "$flood_pid" || { say "wrk.sh: the sign-in flood on $t failed"; exit 1; }
		if grep -q 'Non-2xx or 3xx\|Socket errors' "$tmp/flood.$t.txt"; then
			errors+=("$t sign-in flood: $(grep 'Non-2xx or 3xx\|Socket errors' "$tmp/flood.$t.txt" | tr -s ' ' | tr '\n' ' ')")
		fi
	done
	for t in "${targets[@]}"; do check_home "$t"; done
done

# --- report ---------------------------------------------------------------
# med: the median of the numbers on standard input, one a line.
med() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# median NAME WORKLOAD COLUMN: the median over the rounds.
median() { awk -v c="$3" '{ print $c }' "$tmp/res/$1.$2" | med; }
# pratio A WA B WB COLUMN: the median over the rounds of A's WA / B's WB,
# each pair measured in the same round, so that a slow spell of the
# machine weighs on both sides of a ratio.
pratio() {
	paste -d' ' "$tmp/res/$1.$2" "$tmp/res/$3.$4" |
		awk -v c="$5" '{ b = $(c + 3); if (b > 0) printf "%.2f\n", $c / b }' | med
}

echo
echo "wrk -t$threads -c$conns -d${dur}s, $rounds interleaved rounds ($(nproc) cores, wrk on the same machine):"
echo "medians of the rounds; each ratio is the median of the per-round ratios"
echo
header="| workload | bare |"
rule="| --- | ---: |"
for t in "${targets[@]:1}"; do
	header+=" latch $t | $t/bare |"
	rule+=" ---: | ---: |"
done
echo "$header"
echo "$rule"
row() { # LABEL WORKLOAD COLUMN: requests/s without decimals, ms with two
	local line t fmt=%.2f
	[ "$3" = 1 ] && fmt=%.0f
	line="| $1 | $(printf "$fmt" "$(median bare "$2" "$3")") |"
	for t in "${targets[@]:1}"; do
		line+=" $(printf "$fmt" "$(median "$t" "$2" "$3")") | $(pratio "$t" "$2" bare "$2" "$3") |"
	done
	echo "$line"
}
row "signed-in GET / (req/s)" get 1
row "PUT /api/session/data/k (req/s)" put 1
row "POST /login (sign-ins/s)" login 1
row "GET / p99 idle (ms)" get 2
row "GET / p99, $flood sign-ins in flight (ms)" loaded 2
line="| errors, all rounds (get, put, login, loaded) |"
for t in "${targets[@]}"; do
	v=""
	for w in get put login loaded; do v+="$(awk '{ n += $3 } END { print n + 0 }' "$tmp/res/$t.$w"), "; done
	if [ "$t" = bare ]; then line+=" ${v%, } |"; else line+=" ${v%, } | |"; fi
done
echo "$line"
line="| GET / p99 in flight / idle | $(pratio bare loaded bare get 2) |"
for t in "${targets[@]:1}"; do
	line+=" $(pratio "$t" loaded "$t" get 2) | |"
done
echo "$line"
echo
echo "goals (issue 4): GET / >= 0.85 (mem), 0.6 (sqlite); PUT >= 0.7, 0.3; POST /login >= 0.95; p99 in flight <= 3x idle"
echo
echo "per round (req/s p99-ms errors):"
for t in "${targets[@]}"; do
	for w in get put login loaded; do
		printf '  %-7s %-7s %s\n' "$t" "$w" "$(tr '\n' ';' <"$tmp/res/$t.$w" | sed 's/;$//; s/;/; /g')"
	done
done

if [ ${#errors[@]} -gt 0 ]; then
	echo
	echo "ERRORS (answers other than 2xx/3xx, or socket errors):"
	printf '  %s\n' "${errors[@]}"
	for t in "${targets[@]:1}"; do
		echo "  latch $t, answers by status since its start: $(status_counts "$t")"
	done
	exit 1
fi
