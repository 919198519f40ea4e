#!/usr/bin/env bash
# Makes testdata/libvirt/: the x86 test guest (128 MiB `pc`, TCG, `fill=8`) saved by real libvirt
# with `virsh save`, once in each image format libvirt writes that qmig reads:
#
#   x86-pc-128M-raw.sav.zst              --image-format raw      (zstd-compressed here)
#   x86-pc-128M-zstd.sav                 --image-format zstd     (libvirt compressed it already)
#   x86-pc-128M-sparse.sav.zst           --image-format sparse   (QEMU's mapped-ram; zstd here)
#   x86-pc-128M-sparse-parallel2.sav.zst --image-format sparse --parallel-channels 2 (multifd)
#
# The guest fills its RAM, is paused, and is saved paused (`--paused`); each later image is saved
# from a paused restore of the one before, so all four hold the same guest state.
# versions.txt records the libvirt and QEMU versions.
#
# Needs: libvirt (scripts/install-qemu.sh --with-libvirt), QEMU, zstd, and the guest kernel
# (testdata/guest/build.sh). libvirt runs as the per-user daemon (testdata/libvirt-session.sh).
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
out="$here/libvirt"
source "$here/libvirt-session.sh"

cat > "$work/guest.xml" <<EOF
<domain type='qemu'>
  <name>qmig-fixture</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$work/guest.elf</kernel>
    <cmdline>fill=8</cmdline>
  </os>
  <devices>
    <emulator>$(command -v qemu-system-x86_64)</emulator>
    <console type='pty'/>
  </devices>
</domain>
EOF
chmod a+r "$work/guest.xml"

echo "starting the guest" >&2
v create "$work/guest.xml" >/dev/null
for _ in $(seq 120); do
  if guest_done; then break; fi
  sleep 0.5
done
guest_done || { echo "libvirt-saves.sh: the guest did not finish its fill" >&2; exit 1; }
v suspend qmig-fixture >/dev/null

save() { # FILE FORMAT [virsh save options]: saves, then restores paused for the next one
  local file=$1 fmt=$2
  shift 2
  echo "virsh save --image-format $fmt $*" >&2
  v save qmig-fixture "$work/$file" --paused --image-format "$fmt" "$@" >/dev/null
  v restore "$work/$file" --paused >/dev/null
}
save raw.sav raw
save zstd.sav zstd
save sparse.sav sparse
save sparse-parallel2.sav sparse --parallel-channels 2

mkdir -p "$out"
zstd -q -f -19 --long=27 --check "$work/raw.sav" -o "$out/x86-pc-128M-raw.sav.zst"
cp "$work/zstd.sav" "$out/x86-pc-128M-zstd.sav"
zstd -q -f -19 --long=27 --check --sparse "$work/sparse.sav" -o "$out/x86-pc-128M-sparse.sav.zst"
zstd -q -f -19 --long=27 --check "$work/sparse-parallel2.sav" -o "$out/x86-pc-128M-sparse-parallel2.sav.zst"
chown "$(id -u):$(id -g)" "$out"/*  # zstd keeps the owner of its input
chmod 644 "$out"/*
{
  echo "made by testdata/libvirt-saves.sh on $(date -u +%Y-%m-%d)"
  echo "libvirt: $(v version | grep -i 'library' | sed 's/^ *//')"
  echo "qemu: $(qemu-system-x86_64 --version | head -1)"
} > "$out/versions.txt"
ls -l "$out" >&2
