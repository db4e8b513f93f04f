# faiss-env.sh — sourced by the scripts that build Quarry: links the AVX2 FAISS
# that scripts/build-faiss.sh caches (instant once built), or Debian's binary
# libfaiss where there is none. Set QUARRY_FAISS_LIB_DIR="" beforehand to force
# Debian's build (e.g. to measure before/after).
export QUARRY_FAISS_LIB_DIR="${QUARRY_FAISS_LIB_DIR-$("$(dirname "${BASH_SOURCE[0]}")/build-faiss.sh")}"
