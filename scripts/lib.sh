# Shared shell helpers, sourced by the other scripts. Keep it small and dependency-free.
# shellcheck shell=bash
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
TOOLS="${TOOLS:-$ROOT/.tools}"
VAR="${VAR:-$ROOT/var}"
export ROOT TOOLS VAR

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# apt_install PKG...: install the Debian packages that are missing (needs root, as on these machines).
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})"
  log "apt-get install ${missing[*]}"
  # Serialise concurrent installs (parallel make targets) on one lock.
  (
    flock 9
    if [ ! -f "$TOOLS/.apt-updated" ] || [ -n "$(find "$TOOLS/.apt-updated" -mmin +720 2>/dev/null)" ]; then
      apt-get update -qq >&2
      mkdir -p "$TOOLS" && touch "$TOOLS/.apt-updated"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  ) 9>/tmp/taskapp-apt.lock
}

# pg TOOL ARGS...: a PostgreSQL client tool (psql, createdb, ...) against the services.sh server
# as the taskapp role; as the postgres system user when run as root, as services.sh runs them.
pg() {
  local bin; bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$bin/$1" -h 127.0.0.1 -p "$TASKAPP_PG_PORT" -U taskapp "${@:2}"
  else
    "$bin/$1" -h 127.0.0.1 -p "$TASKAPP_PG_PORT" -U taskapp "${@:2}"
  fi
}

# fresh_database NAME: an empty database of that name (dropped first if it exists).
fresh_database() {
  pg dropdb --if-exists "$1" >/dev/null
  pg createdb "$1"
}

# uv_bin: path of a pinned uv, installed into the tools folder when missing.
UV_VERSION="0.13.9"
uv_bin() {
  local venv="$TOOLS/uv-$UV_VERSION"
  if [ ! -x "$venv/bin/uv" ]; then
    log "installing uv $UV_VERSION into $venv"
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q --disable-pip-version-check "uv==$UV_VERSION" >&2
  fi
  printf '%s\n' "$venv/bin/uv"
}

# tool_venv NAME SPEC...: a separate virtualenv for a Python tool with a big dependency tree
# (checkov, schemathesis, locust), kept out of the service's runtime dependencies.
# Prints the venv's bin folder. Re-installs only when the spec changes.
tool_venv() {
  local name="$1"; shift
  local venv="$TOOLS/venvs/$name" spec="$*"
  if [ ! -f "$venv/.spec" ] || [ "$(cat "$venv/.spec")" != "$spec" ]; then
    log "installing $spec into $venv"
    rm -rf "$venv"
    "$(uv_bin)" venv -q --python 3.11 "$venv" >&2
    VIRTUAL_ENV="$venv" "$(uv_bin)" pip install -q "$@" >&2
    printf '%s' "$spec" > "$venv/.spec"
  fi
  printf '%s\n' "$venv/bin"
}
