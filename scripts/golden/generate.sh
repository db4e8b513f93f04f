#!/usr/bin/env bash
# Regenerate every golden fixture under Tests/EmbeddingsTests/Fixtures/.
#   scripts/golden/generate.sh [--images] [sentences] [e5] [minilm] [efficientnet] [conformance]
# No target = all. --images rewrites the test images (otherwise they are only
# created when missing, so the committed binaries stay stable).
# Steps: setup-venv.sh -> ../fetch-models.sh -> conversion check -> generators.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PY="$ROOT/.venv-golden/bin/python"
IMAGES="$ROOT/Tests/EmbeddingsTests/Fixtures/images"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-2}" HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONDONTWRITEBYTECODE=1

force_images=0 targets=()
for a in "$@"; do
    case "$a" in
        --images) force_images=1 ;;
        sentences|e5|minilm|efficientnet|conformance) targets+=("$a") ;;
        *) echo "usage: $0 [--images] [sentences] [e5] [minilm] [efficientnet] [conformance]" >&2; exit 2 ;;
    esac
done
(( ${#targets[@]} )) || targets=(sentences e5 minilm efficientnet conformance)
want() { local t; for t in "${targets[@]}"; do [[ "$t" == "$1" ]] && return 0; done; return 1; }

"$HERE/setup-venv.sh"
PYTHON="$PY" "$ROOT/scripts/fetch-models.sh"

if want sentences; then "$PY" "$HERE/generate_sentences.py"; fi
if want e5; then "$PY" "$HERE/golden_e5.py"; fi
if want minilm; then "$PY" "$HERE/golden_minilm.py"; fi
if want efficientnet; then
    "$PY" "$HERE/check_efficientnet_conversion.py"
    n=$(ls "$IMAGES" 2>/dev/null | wc -l)
    if (( force_images )) || (( n < 10 )); then "$PY" "$HERE/make_images.py"; fi
    "$PY" "$HERE/golden_efficientnet.py"
fi
if want conformance; then "$PY" "$HERE/make_conformance.py"; fi
du -ch "$ROOT/Tests/EmbeddingsTests/Fixtures" | tail -n1 | sed 's/total/fixtures total/'
