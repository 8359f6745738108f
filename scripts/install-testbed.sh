#!/usr/bin/env bash
# Installs and configures the container tools slimgo's tests use (Debian 12, run as root).
# Idempotent: re-runs skip apt when every tool is present and leave an existing podman config alone.
# Downloads nothing but Debian packages.
set -euo pipefail

PACKAGES=(
  golang-go podman runc crun skopeo umoci docker-registry busybox-static
  apache2-utils zip openssl ca-certificates tzdata gcc libc6-dev git chromium util-linux catatonit zstd
)
# One probe per package: a command or file that exists once it is installed.
declare -A PROBE=(
  [golang-go]=go [podman]=podman [runc]=runc [crun]=crun [skopeo]=skopeo [umoci]=umoci
  [docker-registry]=docker-registry [busybox-static]=/bin/busybox [apache2-utils]=htpasswd
  [zip]=zip [openssl]=openssl [ca-certificates]=/etc/ssl/certs/ca-certificates.crt
  [tzdata]=/usr/share/zoneinfo/Europe/Madrid [gcc]=gcc [libc6-dev]=/usr/include/stdio.h [git]=git [chromium]=chromium
  [util-linux]=setsid [catatonit]=/usr/bin/catatonit [zstd]=zstd
)
CONF=/etc/containers/containers.conf

present() {
  local probe=$1
  if [[ $probe == /* ]]; then [[ -e $probe ]]; else command -v "$probe" >/dev/null 2>&1; fi
}

missing=()
for pkg in "${PACKAGES[@]}"; do
  present "${PROBE[$pkg]}" || missing+=("$pkg")
done
# busybox-static is the static build; the dynamic `busybox` package also provides /bin/busybox.
if present /bin/busybox && ldd /bin/busybox >/dev/null 2>&1; then missing+=(busybox-static); fi

if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "install-testbed: missing ${missing[*]}" >&2
    echo "install-testbed: as root on Debian 12 run: apt-get update && apt-get install -y ${PACKAGES[*]}" >&2
    echo "install-testbed: then write $CONF with [engine] cgroup_manager=\"cgroupfs\", runtime=\"runc\" and [containers] default_ulimits=[\"nproc=1000:1000\",\"nofile=1000:1000\"]" >&2
    exit 1
  fi
  echo "install-testbed: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # Recommends stay on: podman recommends the network stack that `podman run -p` uses.
  apt-get install -y -qq "${PACKAGES[@]}" >/dev/null
fi

# podman here fails with setrlimit EPERM (nofile, nproc) and with crun's "cgroups in hybrid
# mode not supported"; these defaults make plain `podman run` / `podman build` work.
if [[ ! -e $CONF ]]; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-testbed: $CONF is missing and only root can write it" >&2
    exit 1
  fi
  mkdir -p /etc/containers
  cat >"$CONF" <<'EOF'
# Written by slimgo's scripts/install-testbed.sh for rootful podman in a container-like VM.
[containers]
default_ulimits = ["nproc=1000:1000", "nofile=1000:1000"]

[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
EOF
  echo "install-testbed: wrote $CONF"
elif ! grep -q 'default_ulimits' "$CONF" || ! grep -q 'cgroup_manager' "$CONF"; then
  echo "install-testbed: $CONF exists and was left alone; test/support/podman.ts passes the flags itself" >&2
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-testbed: tools present; the tests use rootful podman, so run them (and this check) as root" >&2
  exit 0
fi

# Prove plain `podman run` works: a one-file image from the host's static busybox.
probe_dir=$(mktemp -d)
trap 'rm -rf "$probe_dir"' EXIT
mkdir -p "$probe_dir/root/bin"
cp /bin/busybox "$probe_dir/root/bin/busybox"
tar -C "$probe_dir/root" -cf "$probe_dir/rootfs.tar" .
probe_image=localhost/slimgo-testbed-probe:latest
if ! podman import -q "$probe_dir/rootfs.tar" "$probe_image" >/dev/null; then
  echo "install-testbed: podman import failed; see the error above" >&2
  exit 1
fi
if out=$(podman run --rm --network host "$probe_image" /bin/busybox echo ok 2>&1) && [[ $out == ok ]]; then
  echo "install-testbed: podman run works without extra flags"
else
  echo "install-testbed: plain podman run fails here ($out); test/support/podman.ts passes the flags itself" >&2
fi
podman rmi -f "$probe_image" >/dev/null 2>&1 || true

echo "install-testbed: ready ($(go version | cut -d' ' -f3), podman $(podman version --format '{{.Client.Version}}'))"
