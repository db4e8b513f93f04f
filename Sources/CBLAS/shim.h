// CBLAS interface of the system's OpenBLAS (Debian: libopenblas-dev).
#include <cblas.h>
