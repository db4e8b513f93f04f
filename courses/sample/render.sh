#!/usr/bin/env bash
# Render the sample course (markdown/*.md) into slides/*.pptx, docx/*.docx and pdf/*.pdf,
# then check the PDFs with pdftotext. Safe to re-run: unchanged inputs give identical files.
#
#   courses/sample/render.sh [--only pptx,docx,pdf]
#
# Needs Debian 12 (or similar) with python3. Installs, when missing:
#   apt: fonts-wqy-microhei (CJK glyphs for the PDFs), poppler-utils (pdftotext), python3-venv
#   pip: the pinned packages of requirements-render.txt, into courses/sample/.venv-render/
set -euo pipefail
cd "$(dirname "$0")"

FONT=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
VENV=.venv-render

missing=()
[ -f "$FONT" ] || missing+=(fonts-wqy-microhei)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "render.sh: please install: ${missing[*]}" >&2; exit 1
  fi
  echo "render.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
    || { $SUDO apt-get update >/dev/null && $SUDO apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
fi

if [ ! -x "$VENV/bin/python" ] || ! cmp -s requirements-render.txt "$VENV/.requirements"; then
  echo "render.sh: preparing $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r requirements-render.txt
  cp requirements-render.txt "$VENV/.requirements"
fi

exec "$VENV/bin/python" render.py --font "$FONT" --verify "$@"
