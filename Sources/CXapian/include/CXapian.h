#ifndef CXAPIAN_H
#define CXAPIAN_H

// A small C interface over Xapian's C++ API (Debian's libxapian-dev 1.4): one on-disk
// database of documents known by 32-bit ids, each a bag of terms, ranked by BM25.
//
// No C++ exception ever crosses this interface: functions that can fail return 0 on
// success and -1 on failure, and then set `*error` to a message allocated with malloc
// that the caller releases with `qx_string_free`.
//
// Terms longer than Xapian's limit (245 bytes) are skipped when indexing and asking.
//
// Thread-safety: writes go through `qx_apply`, which opens the database for writing, applies
// a batch, commits and closes it again, one write at a time in the process; so no write lock
// is held between writes and a folder can be opened again, for instance after a restore. A
// write finding the lock held (by a child process forked meanwhile, which keeps the lock's
// descriptor until it execs, or by another process) tries again until the database's patience
// runs out.
// Searches run concurrently, each on a read-only handle of its own taken from a pool, and see
// what was last committed.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct QXDatabase QXDatabase;

void qx_string_free(char *string);

/// Opens the database in folder `path`, creating it when missing; its writes wait up to
/// `lock_patience_ms` milliseconds for the write lock.
int qx_open(const char *path, uint32_t lock_patience_ms, QXDatabase **out, char **error);
void qx_close(QXDatabase *database);

/// In one commit: removes the `removed_count` documents `removed` (absent ones are ignored),
/// then stores `added_count` documents: document `added[i]` (1 or more) holds the next
/// `term_counts[i]` strings of `terms` (repeats count), replacing any document of that id.
int qx_apply(
    QXDatabase *database, const uint32_t *removed, size_t removed_count, const uint32_t *added,
    const size_t *term_counts, const char *const *terms, size_t added_count, char **error);

/// Documents in the committed database.
int qx_count(QXDatabase *database, uint32_t *count, char **error);
/// Every document id of the committed database, ascending, in a malloc'ed array released with `free`.
int qx_ids(QXDatabase *database, uint32_t **ids, size_t *count, char **error);

/// The documents holding any of `count` distinct terms, ranked by BM25 (parameters `k1` and
/// `b`), best first: at most `limit`, written to `ids` and `scores`, their number to `*found`.
/// When `max_postings` is not 0, only the rarest terms whose postings add up to at most that
/// many are asked (always the rarest one). When `allowed` is not NULL, only the
/// `allowed_count` ids it lists (ascending) can match.
int qx_search(
    QXDatabase *database, const char *const *terms, size_t count, double k1, double b, uint64_t max_postings,
    const uint32_t *allowed, size_t allowed_count, uint32_t limit, uint32_t *ids, double *scores, size_t *found,
    char **error);

#ifdef __cplusplus
}
#endif

#endif
