// Instantiates the fp32 helpers for each vector width.
#include "internal.h"

#define QK_W 4
#define QK_SUF w4
#define QK_FT 2
#define QK_QB 2
#include "helpers_impl.h"
#undef QK_W
#undef QK_SUF
#undef QK_FT
#undef QK_QB

#if QK_X86
#define QK_W 8
#define QK_SUF w8
#define QK_FT 3
#define QK_QB 4
#define QK_TARGET "avx2,fma"
#include "helpers_impl.h"
#undef QK_W
#undef QK_SUF
#undef QK_FT
#undef QK_QB
#undef QK_TARGET

#define QK_W 16
#define QK_SUF w16
#define QK_FT 8
#define QK_QB 4
#define QK_TARGET "avx512f,avx512bw,avx512vl,avx512dq,fma"
#include "helpers_impl.h"
#undef QK_W
#undef QK_SUF
#undef QK_FT
#undef QK_QB
#undef QK_TARGET
#endif
