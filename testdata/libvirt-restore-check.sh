#!/usr/bin/env bash
# Real libvirt is the oracle for `qmig convert --libvirt`: each image in testdata/libvirt/ is
# converted to the other format (raw and zstd to sparse, sparse to raw), restored by `virsh restore
# --paused` (a sparse one also with --parallel-channels 2), checked to be the guest that finished
# its fill, and saved again by libvirt; the RAM of that save (every block, `qmig extract`) must
# equal the RAM of the image converted.
#
# Needs: libvirt (scripts/install-qemu.sh --with-libvirt), QEMU, zstd, the guest kernel
# (testdata/guest/build.sh) and a built qmig (bin/qmig). About a minute.
set -euo pipefail

here="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
qmig="$here/../bin/qmig"
source "$here/libvirt-session.sh"

ram() { # IMAGE: "block sha256" per RAM block
  rm -rf "$work/blocks"
  "$qmig" extract -q --no-sync "$1" -o "$work/blocks" | awk '{print $1, $3}'
}

check() { # IMAGE LAYOUT [virsh restore options]: converts IMAGE to LAYOUT, restores it, compares RAM
  local image=$1 layout=$2 src="$work/source.sav" converted="$work/converted.sav"
  shift 2
  case $image in
    *.zst) zstd -q -d -f "$here/libvirt/$image" -o "$src" ;;
    *) cp "$here/libvirt/$image" "$src" ;;
  esac
  rm -f "$converted" "$work/again.sav"
  "$qmig" convert -q --libvirt --to "$layout" "$src" -o "$converted"
  give "$converted"
  local format
  format=$("$qmig" info --json "$converted" | sed -n 's/.*"format" : "\(raw\|sparse\)".*/\1/p')
  # the domain XML names the guest kernel where it lay when the image was made: point it here
  v save-image-dumpxml "$converted" | sed "s|<kernel>.*</kernel>|<kernel>$work/guest.elf</kernel>|" > "$work/domain.xml"
  give "$work/domain.xml"
  v restore "$converted" --xml "$work/domain.xml" --paused "$@" >/dev/null
  guest_done || { echo "FAIL $image -> $format: restored guest has no DONE status word" >&2; return 1; }
  v save qmig-fixture "$work/again.sav" --image-format raw >/dev/null
  local want got
  want=$(ram "$src")
  got=$(ram "$work/again.sav")
  [[ $want == *pc.ram* ]] || { echo "FAIL $image: no pc.ram in $want" >&2; return 1; }
  if [[ $want != "$got" ]]; then
    echo "FAIL $image -> $format: RAM after virsh restore differs" >&2
    return 1
  fi
  echo "ok   $image -> $format ($layout): virsh restore${*:+ $*}, RAM equal" >&2
}

check x86-pc-128M-raw.sav.zst mapped-ram
check x86-pc-128M-zstd.sav mapped-ram
check x86-pc-128M-raw.sav.zst mapped-ram --parallel-channels 2
check x86-pc-128M-sparse.sav.zst stream
check x86-pc-128M-sparse-parallel2.sav.zst stream
echo "all converted images restored by $(v version | grep -i 'using library' | sed 's/^ *//')" >&2
