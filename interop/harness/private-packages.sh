# shellcheck shell=bash
# Sourced by start.sh. Debian packages that cannot be installed next to Dovecot (Cyrus and Courier
# conflict with it through the imap-server/pop3-server virtual packages) are downloaded with
# `apt-get download` and unpacked with `dpkg-deb -x` into a private root under $MH_PKG_DIR; their
# programs run from there with LD_LIBRARY_PATH. Nothing is installed and no maintainer script runs.

# mh_private_root NAME PACKAGE...
#   Makes $MH_PKG_DIR/NAME hold the unpacked PACKAGEs plus every dependency that is not installed on
#   this machine (apt resolves them). Done once: later calls find the stamp and return at once.
mh_private_root() {
  local name="$1"; shift
  local root="$MH_PKG_DIR/$name" stamp="$MH_PKG_DIR/$name.unpacked" debs="$MH_PKG_DIR/debs-$name"
  local want="$*"
  if [ -d "$root" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    return 0
  fi
  local t0 list p
  t0=$(date +%s.%N)
  mh_log "$name: downloading $want (and the dependencies this machine lacks)"
  # A dry run of the install lists what is missing; "Inst pkg [old] (new)" lines are upgrades of
  # installed packages, which the unpacked programs do not need. The named packages are always taken.
  mh_missing() {
    apt-get -s -o Debug::NoLocking=1 install --no-install-recommends "$@" 2>/dev/null \
      | awk '/^Inst / && $3 !~ /^\[/ {print $2}'
  }
  list="$(mh_missing "$@")"
  if [ -z "$list" ]; then
    apt-get -o DPkg::Lock::Timeout=300 update >/dev/null || mh_die "apt-get update failed"
    list="$(mh_missing "$@")"
  fi
  [ -n "$list" ] || mh_die "$name: apt cannot resolve $want"
  list="$(printf '%s\n' $list "$@" | sort -u)"
  rm -rf "$debs" "$root" "$root.tmp" "$stamp"
  mkdir -p "$debs" "$root.tmp"
  # apt fetches as _apt where it can; the folder must be writable for it
  getent passwd _apt >/dev/null && chown _apt "$debs"
  # shellcheck disable=SC2086
  (cd "$debs" && apt-get -q download $list > download.log 2>&1) \
    || { tail -5 "$debs/download.log" >&2; mh_die "$name: apt-get download failed (log: $debs/download.log)"; }
  for p in "$debs"/*.deb; do
    dpkg-deb -x "$p" "$root.tmp" || mh_die "$name: cannot unpack $p"
  done
  mv "$root.tmp" "$root"
  echo "$want" > "$stamp"
  rm -rf "$debs"   # the unpacked root is the cache; the .deb files are not needed again
  mh_log "$name: $(printf '%s\n' $list | wc -l) packages downloaded and unpacked in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
}

# LD_LIBRARY_PATH for a private root: its library folders first, the system's after.
mh_private_libs() {
  local root="$MH_PKG_DIR/$1" d out=""
  for d in "$root"/usr/lib/*-linux-gnu "$root"/usr/lib "$root"/lib/*-linux-gnu; do
    [ -d "$d" ] && out="$out${out:+:}$d"
  done
  printf '%s' "$out"
}
