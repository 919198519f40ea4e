# Sourced by the libvirt scripts: a private per-user libvirt (qemu:///session, no system service)
# in a scratch directory $work, with the test guest's kernel at $work/guest.elf; `v ARGS` runs
# virsh against it. Run as root, virsh runs as user nobody so as not to reach the system daemon,
# and $work belongs to nobody. Everything is removed on exit. Needs $here (testdata/) set.

kernel="$here/guest/build/qmig-guest.elf"
[[ -f $kernel ]] || { echo "${0##*/}: $kernel missing: run testdata/guest/build.sh" >&2; exit 1; }
command -v virsh >/dev/null || { echo "${0##*/}: virsh missing: scripts/install-qemu.sh --with-libvirt" >&2; exit 1; }

work=$(mktemp -d /tmp/qmig-libvirt.XXXXXX)
mkdir -p "$work/home" "$work/run"
chmod 700 "$work/run"
cp "$kernel" "$work/guest.elf"
as_user=()
if [[ $(id -u) -eq 0 ]]; then
  chown -R nobody: "$work"
  as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
v() { "${as_user[@]}" env HOME="$work/home" XDG_RUNTIME_DIR="$work/run" virsh -q -c qemu:///session "$@"; }
cleanup() {
  v destroy qmig-fixture >/dev/null 2>&1 || true
  local pid
  pid=$(cat "$work/run/libvirt/libvirtd.pid" 2>/dev/null || true)
  if [[ -n $pid ]]; then kill "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Gives a file made in $work to the user virsh runs as.
give() {
  if [[ $(id -u) -eq 0 ]]; then chown nobody: "$@"; fi
}

# Whether the guest has written its "DONE" status word (0x454e4f44) at physical 0x500.
guest_done() {
  v qemu-monitor-command --hmp qmig-fixture 'xp /1wx 0x500' | grep -qi '454e4f44'
}
