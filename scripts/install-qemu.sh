#!/usr/bin/env bash
# Installs the QEMU binaries that qmig's interop tests and fixture generator drive.
#
#   scripts/install-qemu.sh [--with-qemu-7.2] [--with-guest-toolchain] [--with-libvirt] [--force]
#
# Must run as root on Debian 12 (bookworm). Idempotent: a second run only checks and exits.
#
#   default                  QEMU 10.x from bookworm-backports: qemu-system-{x86,arm,ppc,s390x,misc},
#                            qemu-utils, zstd. The backports suite is enabled by copying the first
#                            stanza of /etc/apt/sources.list.d/debian.sources (no host names are
#                            written by this script).
#   --with-qemu-7.2          also unpack bookworm's own QEMU 7.2 (x86 only) into /opt/qemu-7.2, with a
#                            wrapper /opt/qemu-7.2/qemu-system-x86_64 (7.2 is the last release with the
#                            `compress` capability).
#   --with-guest-toolchain   the tools testdata/guest/build.sh needs (gcc, binutils, make). The guest
#                            is freestanding 32-bit code and needs no multilib.
#   --with-libvirt           libvirt's client and QEMU driver from bookworm-backports (libvirt 11), for
#                            testdata/libvirt-saves.sh (real `virsh save` images); no service is
#                            enabled or started.
#   --force                  redo every step even if it looks done.
set -euo pipefail

WITH_72=0
WITH_TOOLCHAIN=0
WITH_LIBVIRT=0
FORCE=0
for arg in "$@"; do
  case "$arg" in
    --with-qemu-7.2) WITH_72=1 ;;
    --with-guest-toolchain) WITH_TOOLCHAIN=1 ;;
    --with-libvirt) WITH_LIBVIRT=1 ;;
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
    *) echo "install-qemu.sh: unknown option: $arg" >&2; exit 2 ;;
  esac
done

if [[ $(id -u) -ne 0 ]]; then
  echo "install-qemu.sh: must run as root" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
START_MS=$(($(date +%s%N) / 1000000))
log() {
  local ms=$(($(date +%s%N) / 1000000 - START_MS))
  printf '[install-qemu %3d.%01ds] %s\n' $((ms / 1000)) $((ms % 1000 / 100)) "$*"
}

SRC=/etc/apt/sources.list.d/debian.sources
BPO=/etc/apt/sources.list.d/qmig-bookworm-backports.sources
QEMU_PKGS=(qemu-system-x86 qemu-utils qemu-system-arm qemu-system-ppc qemu-system-s390x qemu-system-misc)
# Firmware the test machines need at start-up. qemu-system-data ships SLOF (ppc64 pseries loads it
# at machine init even when the CPU never runs), the s390x ccw image and OpenSBI; SeaBIOS and iPXE
# are the x86 BIOS/option ROMs. aarch64 `virt` runs without firmware. bzip2 and lzop are the programs
# libvirt compresses save images with (the tests make real images of those formats).
EXTRA_PKGS=(zstd bzip2 lzop qemu-system-data seabios ipxe-qemu)
TOOLCHAIN_PKGS=(gcc binutils make)
LIBVIRT_PKGS=(libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients)

APT_UPDATED=0
apt_update() {
  if [[ $APT_UPDATED -eq 0 ]]; then
    log "apt-get update"
    apt-get update -qq
    APT_UPDATED=1
  fi
}

# --- 1. bookworm-backports suite -----------------------------------------------------------------
enable_backports() {
  if [[ -f $BPO && $FORCE -eq 0 ]]; then
    return 0
  fi
  if [[ ! -f $SRC ]]; then
    echo "install-qemu.sh: $SRC not found (expected Debian 12 deb822 sources)" >&2
    exit 1
  fi
  # First stanza only (the main archive; a later stanza is usually the security archive).
  awk 'BEGIN{s=0} /^[[:space:]]*$/{ if (seen) exit; next } { seen=1; print }' "$SRC" \
    | sed -E 's/^Suites:.*/Suites: bookworm-backports/' > "$BPO.tmp"
  if ! grep -q '^Suites: bookworm-backports$' "$BPO.tmp"; then
    echo "install-qemu.sh: could not derive a backports stanza from $SRC" >&2
    rm -f "$BPO.tmp"
    exit 1
  fi
  mv "$BPO.tmp" "$BPO"
  log "wrote $BPO"
  APT_UPDATED=0
}

backports_qemu_ok() {
  # Installed, and the installed version comes from backports (>= 1:9).
  local v
  v=$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null || true)
  [[ -n $v ]] || return 1
  dpkg --compare-versions "$v" ge 1:9 || return 1
  local p
  for p in "${QEMU_PKGS[@]}" "${EXTRA_PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || return 1
  done
}

install_backports_qemu() {
  if backports_qemu_ok && [[ $FORCE -eq 0 ]]; then
    log "QEMU $(dpkg-query -W -f='${Version}' qemu-system-x86) already installed"
    return 0
  fi
  apt_update
  log "installing ${QEMU_PKGS[*]} ${EXTRA_PKGS[*]} from bookworm-backports"
  apt-get install -y -qq --no-install-recommends -t bookworm-backports \
    "${QEMU_PKGS[@]}" "${EXTRA_PKGS[@]}" >/dev/null
  log "installed QEMU $(dpkg-query -W -f='${Version}' qemu-system-x86)"
}

# --- 2. QEMU 7.2 from bookworm into /opt/qemu-7.2 -------------------------------------------------
OPT72=/opt/qemu-7.2
# Packages unpacked side by side. Libraries that 7.2 links against but that the backports QEMU does
# not pull in are added by the ldd check below.
PKGS72=(qemu-system-x86 qemu-system-common qemu-system-data seabios ipxe-qemu)

bookworm_version() {
  # Highest version of $1 offered by a bookworm suite that is not backports.
  apt-cache madison "$1" | awk -F'|' '$3 !~ /backports/ { gsub(/ /, "", $2); print $2 }' \
    | sort -u | while read -r v; do echo "$v"; done \
    | { best=""; while read -r v; do
          if [[ -z $best ]] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
        done; echo "$best"; }
}

install_qemu72() {
  if [[ -x $OPT72/qemu-system-x86_64 && $FORCE -eq 0 ]] \
     && "$OPT72/qemu-system-x86_64" --version 2>/dev/null | grep -q 'version 7\.2'; then
    log "QEMU 7.2 already in $OPT72"
    return 0
  fi
  apt_update
  local work
  work=$(mktemp -d)
  # apt-get download fetches as user _apt; let it write there (else apt warns and runs unsandboxed).
  if id _apt >/dev/null 2>&1; then chown _apt "$work"; fi
  trap 'rm -rf "$work"' RETURN
  rm -rf "$OPT72.tmp"
  mkdir -p "$OPT72.tmp"
  local p v
  for p in "${PKGS72[@]}"; do
    v=$(bookworm_version "$p")
    [[ -n $v ]] || { echo "install-qemu.sh: no bookworm version of $p" >&2; exit 1; }
    log "download $p=$v"
    (cd "$work" && apt-get download -qq "$p=$v")
  done
  for f in "$work"/*.deb; do dpkg -x "$f" "$OPT72.tmp"; done

  # Libraries the 7.2 binary needs that are not on the system: fetch the bookworm package that ships
  # them (resolved from the binary's own Depends, which are plain library packages).
  local bin=$OPT72.tmp/usr/bin/qemu-system-x86_64
  local missing
  missing=$(LD_LIBRARY_PATH="$(libpath "$OPT72.tmp")" ldd "$bin" | awk '/not found/{print $1}')
  if [[ -n $missing ]]; then
    log "7.2 needs libraries not on the system: $(echo $missing)"
    local deps
    deps=$(apt-cache depends "qemu-system-x86=$(bookworm_version qemu-system-x86)" \
      | awk '/Depends: lib/{print $2}' | tr -d '<>' | sort -u)
    for p in $deps; do
      if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        v=$(bookworm_version "$p")
        [[ -n $v ]] || continue
        log "download $p=$v"
        (cd "$work" && apt-get download -qq "$p=$v")
        dpkg -x "$work/${p}_"*.deb "$OPT72.tmp"
      fi
    done
    missing=$(LD_LIBRARY_PATH="$(libpath "$OPT72.tmp")" ldd "$bin" | awk '/not found/{print $1}')
    if [[ -n $missing ]]; then
      echo "install-qemu.sh: QEMU 7.2 still misses: $missing" >&2
      exit 1
    fi
  fi

  # Absolute symlinks (e.g. usr/share/qemu/bios-256k.bin -> /usr/share/seabios/...) would point at
  # the system's (backports) firmware: make them relative so the tree is self-contained.
  find "$OPT72.tmp" -type l -lname '/*' | while read -r l; do
    local target rel
    target=$(readlink "$l")
    rel=$(realpath -m --relative-to="$(dirname "$l")" "$OPT72.tmp$target")
    ln -sfn "$rel" "$l"
  done

  cat > "$OPT72.tmp/qemu-system-x86_64" <<'EOF'
#!/bin/sh
# QEMU 7.2 (Debian bookworm) unpacked beside the system QEMU by scripts/install-qemu.sh.
here=$(dirname "$(readlink -f "$0")")
LD_LIBRARY_PATH="$here/usr/lib/x86_64-linux-gnu:$here/lib/x86_64-linux-gnu:$here/usr/lib/x86_64-linux-gnu/qemu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH
exec "$here/usr/bin/qemu-system-x86_64" -L "$here/usr/share/qemu" -L "$here/usr/share/seabios" \
  -L "$here/usr/lib/ipxe/qemu" "$@"
EOF
  chmod 755 "$OPT72.tmp/qemu-system-x86_64"
  rm -rf "$OPT72"
  mv "$OPT72.tmp" "$OPT72"
  # Module dir is compiled in (/usr/lib/x86_64-linux-gnu/qemu); 7.2 needs no modules for -nographic
  # TCG, and would refuse the 10.x modules (version stamp) anyway.
  log "$("$OPT72/qemu-system-x86_64" --version | head -1) in $OPT72"
}

libpath() {
  echo "$1/usr/lib/x86_64-linux-gnu:$1/lib/x86_64-linux-gnu"
}

# install_missing WHAT SUITE PKG...: installs the PKGs not installed yet, from SUITE ("" for the
# default one).
install_missing() {
  local what=$1 suite=$2 p need=()
  shift 2
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || need+=("$p")
  done
  if [[ ${#need[@]} -eq 0 && $FORCE -eq 0 ]]; then
    log "$what present"
    return 0
  fi
  apt_update
  log "installing $*${suite:+ from $suite}"
  apt-get install -y -qq --no-install-recommends ${suite:+-t "$suite"} "$@" >/dev/null
}

enable_backports
install_backports_qemu
if [[ $WITH_72 -eq 1 ]]; then install_qemu72; fi
if [[ $WITH_TOOLCHAIN -eq 1 ]]; then install_missing "guest toolchain" "" "${TOOLCHAIN_PKGS[@]}"; fi
if [[ $WITH_LIBVIRT -eq 1 ]]; then install_missing "libvirt" bookworm-backports "${LIBVIRT_PKGS[@]}"; fi
log "done: $(qemu-system-x86_64 --version | head -1)"
