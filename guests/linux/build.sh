#!/usr/bin/env bash
# guests/linux/build.sh - build the reference Linux guests Image-nofpu and Image-full
# (RISC-V RV64, Linux 6.1 with a built-in initramfs) from Debian 12 packages.
# Run by `npm run guest:linux`; see guests/linux/README.md.
set -euo pipefail
set -o errtrace

usage() {
  cat <<'EOF'
usage: bash guests/linux/build.sh [--only nofpu|full] [--jobs N] [--clean] [--verbose] [--help]

Builds Image-nofpu and Image-full (and System.map-*) into
  ${XDG_CACHE_HOME:-$HOME/.cache}/wasmvisor/guests/linux/
with the work tree in .../guests/linux/build/. Steps whose outputs are newer
than their inputs are skipped, so running it again is cheap.

  --only V      build only V (nofpu or full); default: both
  --jobs N      parallel make jobs (default: nproc)
  --clean       delete the work tree and the selected images first, then build
  --verbose     show the tools' output instead of only logging it
  --help        this text

Missing Debian packages are installed with apt-get when running as root.
Image-full needs busybox's source (`apt-get source busybox`), hence deb-src
entries for the Debian release; as root they are added if missing.
EOF
}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$HERE/src
OUT=${XDG_CACHE_HOME:-$HOME/.cache}/wasmvisor/guests/linux
WORK=$OUT/build
LOGS=$WORK/logs
KVER=6.1
KTAR=/usr/src/linux-source-$KVER.tar.xz
KSRC=$WORK/linux-source-$KVER
CROSS=riscv64-linux-gnu-
KMAKE_VARS=(ARCH=riscv "CROSS_COMPILE=$CROSS")

VARIANTS=(nofpu full)
JOBS=$(nproc 2>/dev/null || echo 2)
CLEAN=0
VERBOSE=0
T_START=$SECONDS

die() { echo "guest:linux: error: $*" >&2; exit 1; }
log() { printf '==> %s\n' "$*"; }
skip() { printf '    %s (up to date)\n' "$*"; }
trap 'die "unexpected failure (exit $?) at build.sh line $LINENO: $BASH_COMMAND"' ERR

while [ $# -gt 0 ]; do
  case $1 in
    --only) [ $# -ge 2 ] || die "--only needs nofpu or full"
            case $2 in nofpu|full) VARIANTS=("$2") ;; *) die "--only: unknown variant '$2' (nofpu or full)" ;; esac
            shift 2 ;;
    --only=*) set -- --only "${1#--only=}" "${@:2}" ;;
    --jobs|-j) [ $# -ge 2 ] && [[ $2 =~ ^[1-9][0-9]*$ ]] || die "--jobs needs a positive number"
            JOBS=$2; shift 2 ;;
    --jobs=*) set -- --jobs "${1#--jobs=}" "${@:2}" ;;
    --clean) CLEAN=1; shift ;;
    --verbose|-v) VERBOSE=1; shift ;;
    --help|-h) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

# ---------------------------------------------------------------- helpers
# run NAME CMD...: run CMD, its output going to $LOGS/NAME.log (and the terminal with --verbose).
# On failure show the log's tail and stop with a one-line reason.
run() {
  local name=$1; shift
  local logf=$LOGS/$name.log rc=0
  mkdir -p "$LOGS"
  if [ "$VERBOSE" = 1 ]; then
    "$@" 2>&1 | tee "$logf" || rc=$?
  else
    "$@" >"$logf" 2>&1 || rc=$?
  fi
  if [ "$rc" != 0 ]; then
    [ "$VERBOSE" = 1 ] || { echo "---- last lines of $logf:" >&2; tail -n 25 "$logf" >&2; echo "----" >&2; }
    die "$name failed (exit $rc); full log: $logf"
  fi
}

# newer OUT IN...: true when OUT exists and is newer than every IN
newer() {
  local out=$1 in; shift
  [ -e "$out" ] || return 1
  for in in "$@"; do [ "$out" -nt "$in" ] || return 1; done
  return 0
}

# copy_if_changed FROM TO: copy only when the content differs (keeps mtimes stable for make)
copy_if_changed() {
  if ! cmp -s "$1" "$2"; then cp "$1" "$2"; fi
}

elapsed() { local s=$(( SECONDS - $1 )); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

want() { local v; for v in "${VARIANTS[@]}"; do if [ "$v" = "$1" ]; then return 0; fi; done; return 1; }

# ---------------------------------------------------------------- packages
APT_UPDATED=0
apt_update() {
  if [ "$APT_UPDATED" = 1 ]; then return 0; fi
  log "apt-get update"
  run apt-update apt-get update
  APT_UPDATED=1
}

ensure_packages() {
  # "test|package" pairs: the package is needed when the test fails
  local checks=(
    "cmd:make|make" "cmd:gcc|gcc" "file:/usr/include/stdio.h|libc6-dev" "cmd:xz|xz-utils"
    "cmd:${CROSS}gcc|gcc-riscv64-linux-gnu"
    "file:/usr/riscv64-linux-gnu/include/linux/reboot.h|linux-libc-dev-riscv64-cross"
    "file:/usr/riscv64-linux-gnu/lib/libc.a|libc6-dev-riscv64-cross"
    "file:$KTAR|linux-source-$KVER"
    "cmd:flex|flex" "cmd:bison|bison" "cmd:bc|bc" "cmd:cpio|cpio" "cmd:perl|perl"
    "file:/usr/include/gelf.h|libelf-dev" "file:/usr/include/openssl/opensslv.h|libssl-dev"
  )
  if want full; then
    checks+=("cmd:dpkg-source|dpkg-dev")
  fi
  local missing=() c test pkg
  for c in "${checks[@]}"; do
    test=${c%|*}; pkg=${c##*|}
    case $test in
      cmd:*) command -v "${test#cmd:}" >/dev/null 2>&1 && continue ;;
      file:*) [ -e "${test#file:}" ] && continue ;;
    esac
    missing+=("$pkg")
  done
  if [ ${#missing[@]} = 0 ]; then
    skip "packages"
    return
  fi
  [ "$(id -u)" = 0 ] || die "missing Debian packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
  command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get (a Debian 12 system is expected)"
  apt_update
  log "apt-get install ${missing[*]}"
  run apt-install env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  [ -e "$KTAR" ] || die "$KTAR still missing after installing linux-source-$KVER"
}

# deb-src entries for busybox's source: derived from the system's own Debian `deb` entries
# for this release, written to /etc/apt/sources.list.d/wasmvisor-deb-src.{sources,list}.
have_busybox_source_index() { apt-cache showsrc busybox 2>/dev/null | grep -q '^Package: busybox'; }

ensure_deb_src() {
  if have_busybox_source_index; then skip "busybox source index"; return; fi
  local codename
  codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
  [ -n "$codename" ] || codename=bookworm
  local has_src=0 f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    if [ -f "$f" ] && grep -Eq '^[[:space:]]*deb-src[[:space:]]' "$f"; then has_src=1; fi
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    if [ -f "$f" ] && grep -Eiq '^Types:.*deb-src' "$f"; then has_src=1; fi
  done
  if [ "$has_src" = 0 ]; then
    [ "$(id -u)" = 0 ] || die "Image-full needs busybox's source but apt has no deb-src entries: as root, add 'deb-src' for '$codename main' to /etc/apt/sources.list(.d) and run apt-get update"
    log "adding deb-src entries for $codename main (from the existing deb entries)"
    local tmp
    tmp=$(mktemp)
    # deb822 stanzas: copy every enabled "Types: deb" stanza for $codename(-*) with main, as deb-src
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] || continue
      awk -v cn="$codename" '
        function flush() {
          if (n && isdeb && suiteok && mainok && enabled) { for (i = 1; i <= n; i++) print lines[i]; print "" }
          n = 0; isdeb = 0; suiteok = 0; mainok = 0; enabled = 1
        }
        BEGIN { enabled = 1 }
        /^[[:space:]]*$/ { flush(); next }
        /^#/ { next }
        {
          line = $0
          key = tolower($1)
          if (key == "types:") { for (i = 2; i <= NF; i++) if ($i == "deb") isdeb = 1; line = "Types: deb-src" }
          if (key == "suites:") for (i = 2; i <= NF; i++) if ($i == cn || index($i, cn "-") == 1) suiteok = 1
          if (key == "components:") for (i = 2; i <= NF; i++) if ($i == "main") mainok = 1
          if (key == "enabled:" && tolower($2) == "no") enabled = 0
          lines[++n] = line
        }
        END { flush() }' "$f" >>"$tmp"
    done
    if [ -s "$tmp" ]; then
      install -m 0644 "$tmp" /etc/apt/sources.list.d/wasmvisor-deb-src.sources
    else
      # one-line format: "deb [opts] URI suite components..."
      for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk -v cn="$codename" '
          $1 == "deb" {
            j = 2; if ($2 ~ /^\[/) { while (j <= NF && $j !~ /\]$/) j++; j++ }
            suite = $(j + 1); ok = 0
            for (i = j + 2; i <= NF; i++) if ($i == "main") ok = 1
            if (ok && (suite == cn || index(suite, cn "-") == 1)) { sub(/^deb/, "deb-src"); print }
          }' "$f" >>"$tmp"
      done
      [ -s "$tmp" ] || { rm -f "$tmp"; die "cannot add deb-src: no Debian 'deb' entry for '$codename main' in /etc/apt/sources.list(.d) to copy; add a deb-src entry by hand"; }
      install -m 0644 "$tmp" /etc/apt/sources.list.d/wasmvisor-deb-src.list
    fi
    rm -f "$tmp"
  else
    [ "$(id -u)" = 0 ] || die "apt has deb-src entries but no source index for busybox: run apt-get update as root"
  fi
  APT_UPDATED=0
  apt_update
  have_busybox_source_index || die "apt-get update ran but 'apt-cache showsrc busybox' finds nothing: check the deb-src entries in /etc/apt/sources.list(.d)"
}

# ---------------------------------------------------------------- steps
kernel_source() {
  local stamp=$KSRC/.wasmvisor-extracted
  if newer "$stamp" "$KTAR"; then
    skip "kernel source $KSRC"
    return
  fi
  log "extracting $KTAR"
  rm -rf "$KSRC" "$WORK"/kbuild-*     # a new source tree invalidates the object trees
  run extract-kernel tar -xf "$KTAR" -C "$WORK"
  [ -f "$KSRC/Makefile" ] || die "$KTAR did not unpack to $KSRC"
  touch "$stamp"
}

# kernel_config V: tinyconfig + common.fragment + V.fragment, then olddefconfig
kernel_config() {
  local v=$1 kb=$WORK/kbuild-$1
  mkdir -p "$kb"
  if newer "$kb/.config" "$KSRC/.wasmvisor-extracted" "$SRC/common.fragment" "$SRC/$v.fragment"; then
    skip "[$v] kernel config"
  else
    log "[$v] configuring the kernel: tinyconfig + common.fragment + $v.fragment, olddefconfig"
    run "$v-tinyconfig" make -C "$KSRC" O="$kb" "${KMAKE_VARS[@]}" tinyconfig
    # merge_config.sh makes its temporary files in the current directory
    run "$v-merge-config" bash -c 'cd "$1" && "$2/scripts/kconfig/merge_config.sh" -m -O "$1" "$1/.config" "$3" "$4"' \
      _ "$kb" "$KSRC" "$SRC/common.fragment" "$SRC/$v.fragment"
    run "$v-olddefconfig" make -C "$KSRC" O="$kb" "${KMAKE_VARS[@]}" olddefconfig
    grep -q "^CONFIG_INITRAMFS_SOURCE=\"initramfs/$v.list\"" "$kb/.config" || die "[$v] .config lacks CONFIG_INITRAMFS_SOURCE=\"initramfs/$v.list\""
  fi
  # compare with the reference configuration (informational)
  if [ -f "$SRC/config-$v" ]; then
    local nd
    nd=$(diff <(grep -E '^(CONFIG_|# CONFIG_)' "$SRC/config-$v" | grep -Ev '^CONFIG_(CC_VERSION_TEXT|GCC_VERSION|AS_VERSION|LD_VERSION)=' | sort) \
              <(grep -E '^(CONFIG_|# CONFIG_)' "$kb/.config" | grep -Ev '^CONFIG_(CC_VERSION_TEXT|GCC_VERSION|AS_VERSION|LD_VERSION)=' | sort) | grep -c '^[<>]' || true)
    if [ "$nd" = 0 ]; then
      echo "    [$v] .config matches src/config-$v"
    else
      echo "    [$v] note: .config differs from src/config-$v in $nd lines (another linux-source-$KVER or compiler version?)"
    fi
  fi
}

nolibc_init() {
  local kb=$WORK/kbuild-nofpu out=$WORK/kbuild-nofpu/initramfs/nolibc-init
  mkdir -p "$kb/initramfs"
  copy_if_changed "$SRC/nofpu.list" "$kb/initramfs/nofpu.list"
  if newer "$out" "$SRC/nolibc-init.c" "$KSRC/.wasmvisor-extracted"; then
    skip "[nofpu] /init (nolibc)"
    return
  fi
  log "[nofpu] compiling /init: src/nolibc-init.c with the kernel's nolibc, rv64imac/lp64"
  run nofpu-init "${CROSS}gcc" -march=rv64imac -mabi=lp64 -Os -nostdlib -static \
    -fno-asynchronous-unwind-tables -fno-stack-protector -fno-pie -no-pie \
    -I "$KSRC/tools/include/nolibc" -include nolibc.h -o "$out.tmp" "$SRC/nolibc-init.c"
  mv "$out.tmp" "$out"
}

busybox_build() {
  local kb=$WORK/kbuild-full bbroot=$WORK/busybox-src bb
  mkdir -p "$kb/initramfs" "$bbroot"
  copy_if_changed "$SRC/full.list" "$kb/initramfs/full.list"
  copy_if_changed "$SRC/init-full.sh" "$kb/initramfs/init-full.sh"
  copy_if_changed "$SRC/bench.sh" "$kb/initramfs/bench.sh"
  chmod 0755 "$kb/initramfs/init-full.sh" "$kb/initramfs/bench.sh"

  bb=$(find "$bbroot" -mindepth 1 -maxdepth 1 -type d -name 'busybox-*' | sort | tail -n 1)
  if [ -n "$bb" ] && [ -f "$bb/.wasmvisor-extracted" ]; then
    skip "[full] busybox source $bb"
  else
    ensure_deb_src
    log "[full] apt-get source busybox"
    rm -rf "${bbroot:?}"/*
    run busybox-source bash -c 'cd "$1" && apt-get source busybox' _ "$bbroot"
    bb=$(find "$bbroot" -mindepth 1 -maxdepth 1 -type d -name 'busybox-*' | sort | tail -n 1)
    [ -n "$bb" ] && [ -f "$bb/Makefile" ] || die "apt-get source busybox did not unpack a busybox-* directory in $bbroot"
    touch "$bb/.wasmvisor-extracted"
  fi

  local bbmake=(make -C "$bb" ARCH=riscv "CROSS_COMPILE=$CROSS")
  if newer "$bb/.config" "$bb/.wasmvisor-extracted"; then
    skip "[full] busybox config"
  else
    log "[full] configuring busybox: defconfig, CONFIG_STATIC=y, no CONFIG_TC"
    run busybox-defconfig "${bbmake[@]}" defconfig
    sed -i -e 's/^# CONFIG_STATIC is not set$/CONFIG_STATIC=y/' \
           -e 's/^CONFIG_TC=y$/# CONFIG_TC is not set/' "$bb/.config"
    run busybox-oldconfig bash -c 'yes "" | "$@"' _ "${bbmake[@]}" oldconfig
    grep -q '^CONFIG_STATIC=y' "$bb/.config" || die "busybox .config: CONFIG_STATIC=y did not stick"
    if grep -q '^CONFIG_TC=y' "$bb/.config"; then die "busybox .config: CONFIG_TC is still set"; fi
  fi

  if newer "$bb/busybox" "$bb/.config"; then
    skip "[full] busybox"
  else
    log "[full] building busybox (static, glibc, lp64d), -j$JOBS; log: $LOGS/busybox-build.log"
    local t=$SECONDS
    run busybox-build "${bbmake[@]}" -j"$JOBS" busybox
    echo "    busybox built in $(elapsed $t)"
  fi
  copy_if_changed "$bb/busybox" "$kb/initramfs/busybox"
  chmod 0755 "$kb/initramfs/busybox"
}

kernel_image() {
  local v=$1 kb=$WORK/kbuild-$1
  local inputs=("$kb/.config" "$KSRC/.wasmvisor-extracted")
  local f
  for f in "$kb"/initramfs/*; do inputs+=("$f"); done
  if newer "$OUT/Image-$v" "${inputs[@]}" && [ -f "$OUT/System.map-$v" ]; then
    skip "[$v] Image-$v"
    return
  fi
  log "[$v] building the kernel Image, -j$JOBS (about 5 min on 2 cores); log: $LOGS/$v-kernel.log"
  local t=$SECONDS
  run "$v-kernel" make -C "$KSRC" O="$kb" "${KMAKE_VARS[@]}" -j"$JOBS" Image
  [ -f "$kb/arch/riscv/boot/Image" ] || die "[$v] make Image produced no arch/riscv/boot/Image"
  cp "$kb/arch/riscv/boot/Image" "$OUT/Image-$v.tmp"
  mv "$OUT/Image-$v.tmp" "$OUT/Image-$v"
  cp "$kb/System.map" "$OUT/System.map-$v"
  echo "    [$v] kernel built in $(elapsed $t): $OUT/Image-$v ($(stat -c %s "$OUT/Image-$v") bytes)"
}

# ---------------------------------------------------------------- main
log "Linux guests (${VARIANTS[*]}) into $OUT"
if [ "$CLEAN" = 1 ]; then
  log "--clean: removing $WORK and the selected images"
  rm -rf "$WORK"
  for v in "${VARIANTS[@]}"; do rm -f "$OUT/Image-$v" "$OUT/System.map-$v"; done
fi
mkdir -p "$OUT" "$WORK" "$LOGS"

log "checking packages"
ensure_packages
kernel_source
for v in "${VARIANTS[@]}"; do
  kernel_config "$v"
  case $v in
    nofpu) nolibc_init ;;
    full) busybox_build ;;
  esac
  kernel_image "$v"
done
log "done in $(elapsed "$T_START"):"
for v in "${VARIANTS[@]}"; do echo "    $OUT/Image-$v"; done
