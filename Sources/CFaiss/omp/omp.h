// The subset of OpenMP's <omp.h> that FAISS's headers and the shim use.
// Swift's clang ships no OpenMP headers; FAISS itself is compiled against
// libgomp, whose omp_lock_t this mirrors (4 bytes, 4-byte aligned).
#ifndef QUARRY_OMP_STUB_H
#define QUARRY_OMP_STUB_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    unsigned char _x[4] __attribute__((__aligned__(4)));
} omp_lock_t;

void omp_set_num_threads(int count);
int omp_get_max_threads(void);

#ifdef __cplusplus
}
#endif

#endif
