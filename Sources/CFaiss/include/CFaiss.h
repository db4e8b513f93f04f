#ifndef CFAISS_H
#define CFAISS_H

// A small C interface over FAISS's C++ API (Debian's libfaiss-dev 1.7.3).
//
// Every index created here carries caller-chosen 64-bit ids. No C++ exception
// ever crosses this interface: functions that can fail return 0 on success and
// -1 on failure, and then set `*error` to a message allocated with malloc that
// the caller releases with `qf_string_free`.
//
// Thread-safety: each index owns a reader-writer lock. Searches, reads and
// writes to disk take it shared; mutations (train, add, remove, merge, changing
// search defaults) take it exclusively. Calling any function on an index that
// is being freed is undefined.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct QFIndex QFIndex;
typedef struct QFRangeResult QFRangeResult;

typedef enum {
    QF_METRIC_INNER_PRODUCT = 0,
    QF_METRIC_L2 = 1,
} QFMetric;

/// Structural facts about an index.
typedef struct {
    int32_t dimension;
    int32_t metric;        ///< a QFMetric value
    int32_t is_trained;
    int32_t is_ivf;        ///< an inverted-file index (possibly behind a transform)
    int32_t is_hnsw;       ///< an HNSW graph index (possibly behind a transform)
    int32_t nlist;         ///< number of inverted lists, 0 unless IVF
    int32_t default_nprobe;
    int32_t default_ef_search;
    int64_t count;         ///< live vectors (removed ones excluded)
    int64_t tombstones;    ///< removed vectors still occupying space (HNSW)
} QFIndexInfo;

void qf_string_free(char *string);

/// FAISS's compile options (e.g. "OPTIMIZE AVX2 ") as a static string.
const char *qf_build_info(void);
/// Sets the OpenMP thread count used by every later FAISS call (0: OpenMP's default).
void qf_set_thread_count(int32_t count);
int32_t qf_thread_count(void);

int qf_index_new(int32_t dimension, const char *factory, QFMetric metric, QFIndex **out, char **error);
int qf_index_read(const char *path, QFIndex **out, char **error);
/// Writes atomically: a temporary file beside `path`, fsync, rename, fsync of the folder.
int qf_index_write(QFIndex *index, const char *path, char **error);
int qf_index_clone(QFIndex *index, QFIndex **out, char **error);
void qf_index_free(QFIndex *index);

void qf_index_info(QFIndex *index, QFIndexInfo *info);
/// Mean-normalised spread of the inverted list sizes (1 = balanced); 0 unless IVF.
double qf_index_imbalance(QFIndex *index);

int qf_index_train(QFIndex *index, int64_t n, const float *vectors, char **error);
int qf_index_add(QFIndex *index, int64_t n, const float *vectors, const int64_t *ids, char **error);
/// Removes the given ids; `*removed` receives how many were present.
int qf_index_remove(QFIndex *index, int64_t n, const int64_t *ids, int64_t *removed, char **error);
int qf_index_reconstruct(QFIndex *index, int64_t id, float *vector, char **error);
/// Copies up to `capacity` live ids into `ids`; `*count` receives the number of live ids.
int qf_index_ids(QFIndex *index, int64_t *ids, int64_t capacity, int64_t *count, char **error);
/// Adds every vector of `source` to `target`, keeping ids; `source` is left unchanged.
int qf_index_merge(QFIndex *target, QFIndex *source, char **error);
/// Sets the defaults used when a search passes 0 for nprobe or efSearch.
int qf_index_set_search_defaults(QFIndex *index, int32_t nprobe, int32_t ef_search, char **error);

/// k-nearest-neighbour search of `n` queries. `distances` and `ids` hold n*k
/// entries; missing neighbours have id -1. `nprobe`/`ef_search` of 0 use the defaults.
int qf_index_search(QFIndex *index, int64_t n, const float *queries, int64_t k,
                    int32_t nprobe, int32_t ef_search,
                    float *distances, int64_t *ids, char **error);

/// All neighbours within `radius` (inner product: above it; L2: below it).
int qf_index_range_search(QFIndex *index, int64_t n, const float *queries, float radius,
                          int32_t nprobe, int32_t ef_search, QFRangeResult **out, char **error);
/// Offsets of query i's results are [lims[i], lims[i+1]).
const int64_t *qf_range_result_lims(const QFRangeResult *result);
const int64_t *qf_range_result_ids(const QFRangeResult *result);
const float *qf_range_result_distances(const QFRangeResult *result);
void qf_range_result_free(QFRangeResult *result);

#ifdef __cplusplus
}
#endif

#endif
