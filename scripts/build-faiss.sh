#!/usr/bin/env bash
# build-faiss.sh — build Debian's own FAISS source package with AVX2 kernels,
# once, and cache the static library outside the clone.
#
# Debian's binary libfaiss is compiled without SIMD ("OPTIMIZE GENERIC"). The same
# source built with FAISS_OPT_LEVEL=avx2 is 2–4× faster at search. This script
# fetches that source with `apt-get source` (adding a deb-src entry for Debian's
# own archive), builds the static `faiss_avx2` target and installs it as
#
#     $QUARRY_CACHE/faiss-<debian version>-avx2/lib/libfaiss_avx2.a
#
# (QUARRY_CACHE defaults to ~/.cache/quarry). A second run finds the cached
# library and returns at once. On a CPU without AVX2, or when any step fails,
# nothing is installed and Quarry links Debian's binary package as before.
#
# Prints the library folder on stdout when the AVX2 build is available, and
# nothing otherwise; progress goes to stderr.
set -euo pipefail

log() { echo "build-faiss: $*" >&2; }

version=$(dpkg-query -W -f='${source:Version}' libfaiss-dev 2>/dev/null || true)
if [ -z "$version" ]; then
    log "libfaiss-dev is not installed; run scripts/setup.sh first"
    exit 1
fi
cache="${QUARRY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/quarry}/faiss-${version}-avx2"
if [ -f "$cache/lib/libfaiss_avx2.a" ]; then
    echo "$cache/lib"
    exit 0
fi
if ! grep -qw avx2 /proc/cpuinfo; then
    log "this CPU has no AVX2: using Debian's binary libfaiss"
    exit 0
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# Debian's source archive for the suites already configured for binaries.
add_source_entry() {
    local entry=/etc/apt/sources.list.d/quarry-deb-src.sources
    [ -f "$entry" ] && return 0
    log "adding a deb-src entry for Debian's archive ($entry)"
    $sudo tee "$entry" >/dev/null <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    $sudo apt-get update -qq
}

install_build_tools() {
    local missing=()
    for package in cmake g++ dpkg-dev libopenblas-dev; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "installing build tools: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() {
    local work
    work=$(mktemp -d /tmp/quarry-faiss-build.XXXXXX)
    trap 'rm -rf "$work"' RETURN
    log "fetching Debian's faiss $version source"
    (cd "$work" && apt-get source -qq "faiss=$version" >/dev/null 2>&1)
    local source
    source=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'faiss-*' | head -n 1)
    [ -n "$source" ] || { log "apt-get source produced no faiss folder"; return 1; }

    log "building faiss_avx2 (about 8 minutes on 2 cores)"
    cmake -S "$source" -B "$work/build" \
        -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
        -DBUILD_SHARED_LIBS=OFF \
        -DBUILD_TESTING=OFF \
        -DFAISS_ENABLE_GPU=OFF \
        -DFAISS_ENABLE_PYTHON=OFF \
        -DFAISS_OPT_LEVEL=avx2 \
        -DBLA_VENDOR=OpenBLAS >"$work/cmake.log" 2>&1 || { tail -n 20 "$work/cmake.log" >&2; return 1; }
    cmake --build "$work/build" --target faiss_avx2 -j "$(nproc)" >"$work/build.log" 2>&1 \
        || { tail -n 30 "$work/build.log" >&2; return 1; }

    local staged="$cache.partial"
    rm -rf "$staged"
    mkdir -p "$staged/lib"
    cp "$work/build/faiss/libfaiss_avx2.a" "$staged/lib/libfaiss_avx2.a"
    echo "faiss $version from Debian's source package, FAISS_OPT_LEVEL=avx2, built $(date -u +%FT%TZ)" >"$staged/BUILD"
    rm -rf "$cache"
    mv "$staged" "$cache"
}

if add_source_entry && install_build_tools && build; then
    log "installed $cache/lib/libfaiss_avx2.a"
    echo "$cache/lib"
else
    log "the AVX2 build failed: using Debian's binary libfaiss"
fi
