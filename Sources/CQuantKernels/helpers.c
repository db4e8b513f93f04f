// Instantiates the fp32 helpers for each vector width.
#include "internal.h"

#define QK_W 4
#define QK_SUF w4
#include "helpers_impl.h"
#undef QK_W
#undef QK_SUF

#if QK_X86
#define QK_W 8
#define QK_SUF w8
#define QK_TARGET "avx2,fma"
#include "helpers_impl.h"
#undef QK_W
#undef QK_SUF
#undef QK_TARGET

#define QK_W 16
#define QK_SUF w16
#define QK_TARGET "avx512f,avx512bw,avx512vl,avx512dq,fma"
#include "helpers_impl.h"
#undef QK_W
#undef QK_SUF
#undef QK_TARGET
#endif
