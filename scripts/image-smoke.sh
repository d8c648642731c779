#!/usr/bin/env bash
# Builds the real container image (the repository's Dockerfile) with buildah
# and runs it: the dashboard and the retry worker from the image against a
# throwaway Redis on this machine, their health checks, then a SIGTERM to
# each. Prints a table of timings and sizes; exits non-zero on any failure.
#
# SLOW (about 5 to 10 minutes, and more the first time) and it needs root: run
# it by hand, or from a test that is gated on an environment variable. It is
# not part of `npm test` and no test runner starts it.
#
#   sudo bash scripts/image-smoke.sh
#
# Made for a machine without a container daemon or a reachable image
# registry (a Debian host with buildah):
#   - buildah runs with the vfs storage driver and chroot isolation, so it
#     needs no overlay, no user namespaces and no runtime such as crun;
#   - the base image (Debian trixie: nodejs 20 and npm from Debian's packages)
#     is assembled here with debootstrap and reused on later runs;
#   - the containers share the host's network (chroot isolation allows nothing
#     else), so the ports are picked free on 127.0.0.1.
#
# Settings (environment):
#   SMOKE_WORK           scratch folder                      (/tmp/image-work)
#   SMOKE_BASE_IMAGE     the base image's name               (localhost/redrive-node-base)
#   SMOKE_IMAGE          the built image's name              (localhost/redrive)
#   SMOKE_SUITE          Debian suite of the base image      (trixie)
#   SMOKE_MIRROR         Debian mirror for debootstrap       (the first .../debian URI of
#                        this machine's apt sources)
#   SMOKE_REBUILD_BASE=1 assemble the base image again even if it exists
#   SMOKE_FROM_HEAD=1    build the committed tree (git archive HEAD) instead of the
#                        working tree, e.g. while files are being edited
#   SMOKE_LAYERS=1       keep and reuse build layers (faster reruns, but the npm ci
#                        and build timings then measure the cache)
#   SMOKE_CA_BUNDLE      CA bundle mounted read-only over the build's own during
#                        the build only, so that npm trusts what this machine
#                        trusts, e.g. a TLS-inspecting proxy's CA. Nothing of it
#                        lands in the image. Empty: no mount.
#                        (/etc/ssl/certs/ca-certificates.crt when it exists)
#   SMOKE_KEEP=1         keep the two run containers afterwards
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=${SMOKE_WORK:-/tmp/image-work}
BASE_IMAGE=${SMOKE_BASE_IMAGE:-localhost/redrive-node-base}
IMAGE=${SMOKE_IMAGE:-localhost/redrive}
SUITE=${SMOKE_SUITE:-trixie}
CA_BUNDLE=${SMOKE_CA_BUNDLE-/etc/ssl/certs/ca-certificates.crt}
DASH_CTR=redrive-smoke-dashboard
WORKER_CTR=redrive-smoke-worker
# A throwaway login for the run; the image hashes it (hash-password).
PASSWORD='smoke-test-password-1234'
SECRET='smoke-test-nextauth-secret-0123456789'

B=(buildah --storage-driver vfs)
RUN=(run --isolation chroot --network host)

log() { printf '\n== %s\n' "$*" >&2; }
die() {
  printf '\nFAILED: %s\n' "$*" >&2
  exit 1
}
# Wall-clock milliseconds (bash 5's EPOCHREALTIME, no external tools).
now_ms() {
  local t=${EPOCHREALTIME/[.,]/}
  echo $((t / 1000))
}
secs() { printf '%d.%01d s' $(($1 / 1000)) $((($1 % 1000) / 100)); }
# Prefixes each line with the milliseconds since the pipe started.
stamp() {
  local t0 line
  t0=$(now_ms)
  while IFS= read -r line; do printf '%d %s\n' $(($(now_ms) - t0)) "$line"; done
}
# The first line's stamp in a stamped log that matches an extended regex.
stamp_of() { grep -E -m1 -- "$2" "$1" | cut -d' ' -f1; }
# A free TCP port on 127.0.0.1 (nothing accepts a connection on it).
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "$p"
      return
    fi
  done
  die "no free port found"
}

declare -A T=()  # timings and sizes for the table
PIDS=()          # background `buildah run` processes still running
REDIS_PIDFILE=$WORK/redis.pid

cleanup() {
  local rc=$? pid
  set +e
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      stop_tree "$pid" 10 2>/dev/null || kill -KILL "$pid" 2>/dev/null
    fi
  done
  if [[ -s $REDIS_PIDFILE ]]; then
    kill "$(cat "$REDIS_PIDFILE")" 2>/dev/null
    rm -f "$REDIS_PIDFILE"
  fi
  if [[ ${SMOKE_KEEP:-0} != 1 ]]; then
    "${B[@]}" rm "$DASH_CTR" "$WORKER_CTR" >/dev/null 2>&1
  fi
  exit "$rc"
}
trap cleanup EXIT

# The image's main process under a `buildah run` process: the shallowest
# `node` among its descendants (the entry point; the dashboard's server is its
# child). Like `docker stop`, the SIGTERM goes to it: buildah itself answers a
# SIGTERM by killing the command with SIGKILL.
node_under() {
  local level=("$1") next pid
  while ((${#level[@]})); do
    next=()
    for pid in "${level[@]}"; do
      if [[ $pid != "$1" && $(ps -o comm= -p "$pid" 2>/dev/null) == node ]]; then
        echo "$pid"
        return 0
      fi
      mapfile -t -O "${#next[@]}" next < <(ps -o pid= --ppid "$pid" 2>/dev/null | tr -d ' ')
    done
    level=("${next[@]}")
  done
  return 1
}

# SIGTERM to the node under `buildah run` $1 (a child of this shell), then
# waits up to $2 s for it to end. Sets STOP_MS; the status is the command's.
# Not to be called in $(...): only this shell can wait for its children.
stop_tree() {
  local bpid=$1 limit=$2 node t0 rc=0
  node=$(node_under "$bpid") || return 1
  t0=$(now_ms)
  kill -TERM "$node"
  for _ in $(seq 1 $((limit * 10))); do
    kill -0 "$bpid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$bpid" 2>/dev/null; then
    echo "still running ${limit} s after SIGTERM" >&2
    return 1
  fi
  wait "$bpid" || rc=$?
  STOP_MS=$(($(now_ms) - t0))
  return "$rc"
}

[[ $(id -u) == 0 ]] || die "run as root (buildah with vfs storage and chroot isolation, debootstrap)"
mkdir -p "$WORK"
T_ALL=$(now_ms)

# --- 0. Tools ---------------------------------------------------------------
missing=()
for tool in buildah debootstrap newuidmap; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]})); then
  log "installing buildah, debootstrap, uidmap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q buildah debootstrap uidmap >"$WORK/apt.log" 2>&1 ||
    die "apt-get install failed, see $WORK/apt.log"
fi
for tool in redis-server redis-cli curl git; do
  command -v "$tool" >/dev/null || die "$tool is needed on this machine"
done

# --- 1. Base image: Debian + nodejs + npm, from debootstrap -----------------
# The release writes an SBOM with `npm sbom` (npm 9.5 or later); Debian's npm is
# older, so the base carries a current npm in /usr/local, where the official
# node: images keep theirs. A base made before that is made again.
NPM_VERSION=11
base_npm_ok() {
  local c v
  c=$("${B[@]}" from --quiet "$BASE_IMAGE" 2>/dev/null) || return 1
  v=$("${B[@]}" "${RUN[@]}" "$c" npm -v 2>/dev/null || true)
  "${B[@]}" rm "$c" >/dev/null 2>&1
  [[ ${v%%.*} == "$NPM_VERSION" ]]
}
if [[ ${SMOKE_REBUILD_BASE:-0} != 1 ]] && "${B[@]}" inspect --type image "$BASE_IMAGE" >/dev/null 2>&1 && base_npm_ok; then
  log "base image $BASE_IMAGE exists: reused"
  T[debootstrap]=reused
  T[base_packages]=reused
  T[base_import]=reused
else
  MIRROR=${SMOKE_MIRROR:-$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)}
  [[ -n $MIRROR ]] || MIRROR=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
  [[ -n $MIRROR ]] || die "no Debian mirror found in the apt sources: set SMOKE_MIRROR"
  ROOTFS=$WORK/rootfs
  # A debootstrap that was interrupted can leave /proc or /sys mounted inside.
  if [[ -d $ROOTFS ]]; then
    findmnt -R -n -o TARGET "$ROOTFS" 2>/dev/null | sort -r | xargs -r -n1 umount -l
    rm -rf --one-file-system "$ROOTFS"
  fi

  log "debootstrap $SUITE (minbase)"
  t=$(now_ms)
  # Only minbase here: debootstrap's own resolver cannot install npm (it fails
  # on npm's node-* dependencies); apt inside the new system can.
  debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
    die "debootstrap failed, see $WORK/debootstrap.log"
  T[debootstrap]=$(secs $(($(now_ms) - t)))

  log "nodejs, npm, ca-certificates from $SUITE's packages"
  t=$(now_ms)
  in_root() { chroot "$ROOTFS" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }
  in_root sh -c 'apt-get update -q && apt-get install -y -q --no-install-recommends nodejs npm ca-certificates' \
    >"$WORK/base-packages.log" 2>&1 || die "apt-get inside the base failed, see $WORK/base-packages.log"
  # npm from the registry, trusting what this machine trusts (the bundle is removed after).
  CA=${SMOKE_CA_BUNDLE-/etc/ssl/certs/ca-certificates.crt}
  if [[ -n $CA && -f $CA ]]; then cp "$CA" "$ROOTFS/tmp/host-ca.crt"; fi
  in_root sh -c "npm install --global --prefix /usr/local --no-fund --no-audit \
      \$( [ -f /tmp/host-ca.crt ] && echo --cafile=/tmp/host-ca.crt ) npm@$NPM_VERSION" \
    >>"$WORK/base-packages.log" 2>&1 || die "npm $NPM_VERSION inside the base failed, see $WORK/base-packages.log"
  rm -f "$ROOTFS/tmp/host-ca.crt"
  rm -rf "$ROOTFS/root/.npm"
  # The node user (uid 1000) of the official Node images, which the Dockerfile runs as.
  in_root sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/sh --create-home node && apt-get clean'
  # No package lists, logs, this machine's mirror or resolver in the image.
  rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin "$ROOTFS"/var/log/*
  : >"$ROOTFS/etc/apt/sources.list"
  : >"$ROOTFS/etc/resolv.conf"
  T[base_packages]=$(secs $(($(now_ms) - t)))

  log "importing the root file system as $BASE_IMAGE"
  t=$(now_ms)
  old_base=$("${B[@]}" images --quiet --no-trunc "$BASE_IMAGE" 2>/dev/null | head -1 || true)
  ctr=$("${B[@]}" from scratch)
  mnt=$("${B[@]}" mount "$ctr")
  tar -C "$ROOTFS" -cf - . | tar -C "$mnt" -xpf - --numeric-owner
  "${B[@]}" umount "$ctr" >/dev/null
  "${B[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd '["node"]' \
    --label "org.opencontainers.image.description=Debian $SUITE minbase with nodejs and npm $NPM_VERSION (debootstrap)" "$ctr"
  "${B[@]}" commit --quiet --rm "$ctr" "$BASE_IMAGE" >/dev/null
  rm -rf --one-file-system "$ROOTFS"
  if [[ -n $old_base ]]; then "${B[@]}" rmi "$old_base" >/dev/null 2>&1 || true; fi
  T[base_import]=$(secs $(($(now_ms) - t)))
fi
ctr=$("${B[@]}" from --quiet "$BASE_IMAGE")
T[base_node]=$("${B[@]}" "${RUN[@]}" "$ctr" node -v)
"${B[@]}" rm "$ctr" >/dev/null

# --- 2. The image: the repository's Dockerfile ------------------------------
CONTEXT=$ROOT
if [[ ${SMOKE_FROM_HEAD:-0} == 1 ]]; then
  CONTEXT=$WORK/context
  rm -rf "$CONTEXT" && mkdir -p "$CONTEXT"
  git -C "$ROOT" archive HEAD | tar -x -C "$CONTEXT"
fi
build=(bud --isolation chroot --network host --format docker --build-arg "NODE_IMAGE=$BASE_IMAGE" -t "$IMAGE")
# docker format keeps the HEALTHCHECK, which OCI image configs cannot hold.
[[ ${SMOKE_LAYERS:-0} == 1 ]] && build+=(--layers)
[[ -n $CA_BUNDLE && -f $CA_BUNDLE ]] && build+=(-v "$CA_BUNDLE:/etc/ssl/certs/ca-certificates.crt:ro")
old_id=$("${B[@]}" images --quiet --no-trunc "$IMAGE" 2>/dev/null | head -1 || true)

log "buildah bud (log: $WORK/build.log)"
t=$(now_ms)
set +e
(cd "$CONTEXT" && "${B[@]}" "${build[@]}" -f "$CONTEXT/Dockerfile" . 2>&1) | stamp >"$WORK/build.log"
rc=${PIPESTATUS[0]}
set -e
t_built=$(now_ms)
T[build_total]=$(secs $((t_built - t)))
((rc == 0)) || {
  tail -30 "$WORK/build.log" >&2
  die "buildah bud exited $rc, see $WORK/build.log"
}
L=$WORK/build.log
s_ci=$(stamp_of "$L" 'STEP [0-9/]+: RUN npm ci')
s_copy=$(stamp_of "$L" 'STEP [0-9/]+: COPY \. \.')
s_build=$(stamp_of "$L" 'STEP [0-9/]+: RUN npm run build')
s_next=$(stamp_of "$L" '> next build')
s_release=$(stamp_of "$L" 'release assembled in')
s_final=$(stamp_of "$L" '\[2/2\] STEP 1/')
s_tagged=$(stamp_of "$L" 'Successfully tagged')
# Next's last line of output before scripts/release.mjs takes over.
s_next_end=$(awk -v r="$s_release" '$1 < r && /\(Dynamic\)|Compiled successfully|Generating static pages/ { s = $1 } END { print s }' "$L")
T[npm_ci]="$(secs $((s_copy - s_ci))) (npm: $(grep -o -m1 'added [0-9]* packages in [0-9.]*m*s' "$L" || echo '?'))"
T[next_build]=$(secs $((s_next_end - s_next)))
T[release]=$(secs $((s_release - s_next_end)))
T[build_stage_commit]=$(secs $((s_final - s_release)))
T[final_stage]=$(secs $((s_tagged - s_final)))
T[after_tagged]=$(secs $((t_built - t - s_tagged)))
T[image_size]=$("${B[@]}" images --format '{{.Size}}' "$IMAGE" | head -1)
T[base_size]=$("${B[@]}" images --format '{{.Size}}' "$BASE_IMAGE" | head -1)
new_id=$("${B[@]}" images --quiet --no-trunc "$IMAGE" | head -1)
# The previous build of the tag, now nameless: vfs keeps full copies, so drop it.
if [[ -n $old_id && $old_id != "$new_id" ]]; then "${B[@]}" rmi "$old_id" >/dev/null 2>&1 || true; fi

# --- 3. Run it --------------------------------------------------------------
"${B[@]}" rm "$DASH_CTR" "$WORKER_CTR" >/dev/null 2>&1 || true
t=$(now_ms)
"${B[@]}" from --quiet --name "$DASH_CTR" "$IMAGE" >/dev/null
"${B[@]}" from --quiet --name "$WORKER_CTR" "$IMAGE" >/dev/null
T[containers]=$(secs $(($(now_ms) - t)))
T[app_size]=$("${B[@]}" "${RUN[@]}" "$DASH_CTR" du -sh /app | cut -f1)
T[app_parts]=$("${B[@]}" "${RUN[@]}" "$DASH_CTR" sh -c 'cd /app && du -sh .next node_modules dist lib scripts' | awk '{ printf "%s %s  ", $2, $1 }')
"${B[@]}" "${RUN[@]}" --user 1000:1000 "$DASH_CTR" sh -c 'touch /app/x' 2>/dev/null &&
  die "/app is writable by uid 1000"

log "hash-password in the image"
HASH=$(printf '%s\n' "$PASSWORD" | "${B[@]}" "${RUN[@]}" --user 1000:1000 "$DASH_CTR" node scripts/redrive.mjs hash-password 2>/dev/null)
[[ $HASH == '$2'[aby]'$'* ]] || die "hash-password printed '$HASH'"

REDIS_PORT=$(free_port)
PORT=$(free_port)
[[ $PORT != "$REDIS_PORT" ]] || PORT=$(free_port)
log "redis-server on 127.0.0.1:$REDIS_PORT, dashboard on 127.0.0.1:$PORT"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$REDIS_PIDFILE" --logfile "$WORK/redis.log"
for _ in $(seq 1 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break || sleep 0.1; done
redis-cli -p "$REDIS_PORT" ping >/dev/null || die "redis-server did not start, see $WORK/redis.log"

ENV=(--env "REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0" --env "NEXTAUTH_SECRET=$SECRET"
  --env "NEXTAUTH_URL=http://127.0.0.1:$PORT" --env "PORT=$PORT" --env HOSTNAME=127.0.0.1
  --env "REDRIVE_USERS=admin:admin:$HASH")
# The image's user (USER 1000:1000) is buildah run's default too; said for clarity.
t_dash=$(now_ms)
"${B[@]}" "${RUN[@]}" --user 1000:1000 "${ENV[@]}" "$DASH_CTR" node scripts/redrive.mjs dashboard \
  </dev/null >"$WORK/dashboard.log" 2>&1 &
DASH_PID=$!
PIDS+=("$DASH_PID")
t_worker=$(now_ms)
"${B[@]}" "${RUN[@]}" --user 1000:1000 "${ENV[@]}" "$WORKER_CTR" node scripts/redrive.mjs worker \
  </dev/null >"$WORK/worker.log" 2>&1 &
WORKER_PID=$!
PIDS+=("$WORKER_PID")
# The worker's alive file (REDRIVE_WORKER_ALIVE_FILE, /tmp in the image), seen from here.
ALIVE=$("${B[@]}" mount "$WORKER_CTR")/tmp/redrive-worker.alive

log "waiting for the dashboard and the worker to be healthy"
dash_live='' dash_ready='' worker_alive=''
for _ in $(seq 1 600); do
  kill -0 "$DASH_PID" 2>/dev/null || die "the dashboard exited: $(tail -5 "$WORK/dashboard.log")"
  kill -0 "$WORKER_PID" 2>/dev/null || die "the worker exited: $(tail -5 "$WORK/worker.log")"
  if [[ -z $worker_alive && -s $ALIVE ]]; then worker_alive=$(($(now_ms) - t_worker)); fi
  if [[ -z $dash_live ]] && curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/api/health/live" 2>/dev/null; then
    dash_live=$(($(now_ms) - t_dash))
  fi
  # The full health: Redis up and a healthy worker seen by the dashboard.
  if [[ -n $dash_live && -z $dash_ready ]] &&
    curl -fsS --max-time 4 "http://127.0.0.1:$PORT/api/health" 2>/dev/null | grep -q '"redis":"up".*"healthy":true'; then
    dash_ready=$(($(now_ms) - t_dash))
  fi
  [[ -n $dash_live && -n $dash_ready && -n $worker_alive ]] && break
  sleep 0.1
done
[[ -n $dash_live ]] || die "/api/health/live never answered 200; $(tail -5 "$WORK/dashboard.log")"
[[ -n $worker_alive ]] || die "the worker never wrote its alive file; $(tail -5 "$WORK/worker.log")"
[[ -n $dash_ready ]] || die "/api/health: $(curl -sS "http://127.0.0.1:$PORT/api/health")"
T[dashboard_live]=$(secs "$dash_live")
T[dashboard_health]=$(secs "$dash_ready")
T[worker_alive]=$(secs "$worker_alive")
HEALTH=$(curl -sS "http://127.0.0.1:$PORT/api/health")

# The image's HEALTHCHECK command, in each container.
"${B[@]}" "${RUN[@]}" --user 1000:1000 --env "PORT=$PORT" "$DASH_CTR" node scripts/redrive.mjs health ||
  die "node scripts/redrive.mjs health failed in the dashboard's container"
"${B[@]}" "${RUN[@]}" --user 1000:1000 "$WORKER_CTR" node scripts/redrive.mjs health ||
  die "node scripts/redrive.mjs health failed in the worker's container"
T[health_cmd]="ok in both"

# A login with the hash made by the image (next-auth's credentials flow).
JAR=$WORK/cookies.txt
rm -f "$JAR"
URL=http://127.0.0.1:$PORT
csrf=$(curl -fsS -c "$JAR" -b "$JAR" "$URL/api/auth/csrf" | sed -n 's/.*"csrfToken":"\([^"]*\)".*/\1/p')
[[ -n $csrf ]] || die "no csrf token from /api/auth/csrf"
curl -sS -o /dev/null -c "$JAR" -b "$JAR" -H "Origin: $URL" \
  --data-urlencode "csrfToken=$csrf" --data-urlencode username=admin --data-urlencode "password=$PASSWORD" \
  --data-urlencode "callbackUrl=$URL/" --data-urlencode json=true "$URL/api/auth/callback/credentials"
session=$(curl -fsS -b "$JAR" "$URL/api/auth/session")
[[ $session == *'"name":"admin"'* ]] || die "login as admin failed: session is $session"
T[login]=ok

log "SIGTERM to each"
stop_tree "$WORKER_PID" 40 || die "the worker did not exit cleanly after SIGTERM; $(tail -3 "$WORK/worker.log")"
grep -q 'retry worker stopped' "$WORK/worker.log" || die "the worker did not log its stop"
T[worker_stop]="$(secs "$STOP_MS"), exit 0"
stop_tree "$DASH_PID" 40 || die "the dashboard did not exit cleanly after SIGTERM; $(tail -3 "$WORK/dashboard.log")"
T[dashboard_stop]="$(secs "$STOP_MS"), exit 0"
PIDS=()
"${B[@]}" umount "$WORKER_CTR" >/dev/null

T[total]=$(secs $(($(now_ms) - T_ALL)))
printf '\nRedrive image smoke test: PASSED\n'
printf '  %-22s %s\n' \
  "base image" "$BASE_IMAGE ($SUITE, node ${T[base_node]}, ${T[base_size]})" \
  "  debootstrap" "${T[debootstrap]}" \
  "  nodejs+npm packages" "${T[base_packages]}" \
  "  import" "${T[base_import]}" \
  "image build (total)" "${T[build_total]}" \
  "  npm ci step" "${T[npm_ci]}" \
  "  next build" "${T[next_build]}" \
  "  release.mjs" "${T[release]}" \
  "  build stage commit" "${T[build_stage_commit]}" \
  "  final stage" "${T[final_stage]}" \
  "  after 'tagged'" "${T[after_tagged]} (buildah's cleanup)" \
  "image size" "$IMAGE ${T[image_size]}" \
  "/app size" "${T[app_size]}  (${T[app_parts]% })" \
  "containers (2x from)" "${T[containers]}" \
  "dashboard live" "${T[dashboard_live]} after start" \
  "dashboard /api/health" "${T[dashboard_health]} after start (redis up, worker healthy)" \
  "worker alive file" "${T[worker_alive]} after start" \
  "health command" "${T[health_cmd]}" \
  "login (admin)" "${T[login]}" \
  "worker SIGTERM" "${T[worker_stop]}" \
  "dashboard SIGTERM" "${T[dashboard_stop]}" \
  "total" "${T[total]}"
printf '  /api/health: %s\n' "$HEALTH"
