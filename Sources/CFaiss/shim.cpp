// extern "C" shim over FAISS 1.7.3's C++ API. See include/CFaiss.h for the contract.
//
// Id handling. Every index carries caller-chosen ids, stored in one of two ways:
// - IVF indexes (possibly behind a vector transform) keep the ids in their
//   inverted lists, with a hashtable direct map for reconstruction and removal.
//   (IndexIDMap's removal assumes the inner index renumbers its vectors
//   compactly, which IVF does not.)
// - Every other index is wrapped in an IndexIDMap2 and searched through its
//   inner index, because 1.7.3's IDMap rejects SearchParameters. HNSW and
//   IndexRefine cannot remove vectors, so removal there marks the slot dead by
//   setting its id to -1 ("tombstone"); searches skip dead slots and the marks
//   survive a write.

#include "CFaiss.h"

#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexRefine.h>
#include <faiss/IndexIDMap.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/clone_index.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <faiss/impl/FaissException.h>
#include <faiss/impl/IDSelector.h>
#include <faiss/impl/io.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>
#include <faiss/invlists/DirectMap.h>
#include <faiss/utils/utils.h>
#include <omp.h>

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

namespace {

using idx_t = faiss::Index::idx_t;

/// A writer-preferring reader-writer lock, so that a stream of searches
/// cannot starve a mutation.
class RWLock {
  public:
    RWLock() {
        pthread_rwlockattr_t attr;
        pthread_rwlockattr_init(&attr);
        pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
        pthread_rwlock_init(&lock_, &attr);
        pthread_rwlockattr_destroy(&attr);
    }
    ~RWLock() { pthread_rwlock_destroy(&lock_); }
    RWLock(const RWLock &) = delete;
    RWLock &operator=(const RWLock &) = delete;

    void lock_shared() { pthread_rwlock_rdlock(&lock_); }
    void lock() { pthread_rwlock_wrlock(&lock_); }
    void unlock() { pthread_rwlock_unlock(&lock_); }

  private:
    pthread_rwlock_t lock_;
};

struct SharedGuard {
    explicit SharedGuard(RWLock &l) : lock(l) { lock.lock_shared(); }
    ~SharedGuard() { lock.unlock(); }
    RWLock &lock;
};

struct ExclusiveGuard {
    explicit ExclusiveGuard(RWLock &l) : lock(l) { lock.lock(); }
    ~ExclusiveGuard() { lock.unlock(); }
    RWLock &lock;
};

std::atomic<int32_t> g_thread_count{0};

/// OpenMP's thread count is a per-thread setting: apply the global choice to
/// whichever thread is about to call into FAISS.
void apply_thread_count() {
    int32_t count = g_thread_count.load(std::memory_order_relaxed);
    if (count > 0) omp_set_num_threads(count);
}

char *copy_string(const std::string &message) {
    char *result = static_cast<char *>(std::malloc(message.size() + 1));
    if (result) std::memcpy(result, message.c_str(), message.size() + 1);
    return result;
}

void set_error(char **error, const std::string &message) {
    if (error) *error = copy_string(message);
}

/// Runs `body`, turning every C++ exception into an error string.
template <typename Body>
int guarded(char **error, Body body) {
    try {
        apply_thread_count();
        body();
        return 0;
    } catch (const faiss::FaissException &e) {
        set_error(error, e.msg.empty() ? std::string(e.what()) : e.msg);
    } catch (const std::bad_alloc &) {
        set_error(error, "out of memory");
    } catch (const std::exception &e) {
        set_error(error, e.what());
    } catch (...) {
        set_error(error, "unknown C++ exception");
    }
    return -1;
}

[[noreturn]] void fail(const std::string &message) { throw std::runtime_error(message); }

faiss::Index *unwrap_transform(faiss::Index *index) {
    while (auto *pre = dynamic_cast<faiss::IndexPreTransform *>(index)) index = pre->index;
    return index;
}

} // namespace

struct QFIndex {
    std::unique_ptr<faiss::Index> root;  ///< what is written to disk
    faiss::IndexIDMap2 *idmap = nullptr; ///< root, when ids live in an IDMap2
    faiss::Index *searched = nullptr;    ///< the index searched with parameters
    faiss::IndexIVF *ivf = nullptr;
    faiss::IndexHNSW *hnsw = nullptr;
    /// Whether removals mark ids dead instead of deleting vectors: HNSW graphs and refined
    /// indexes (`…,RFlat`) cannot delete.
    bool removes_by_tombstone = false;
    int64_t tombstones = 0;
    int32_t default_ef = 16;
    std::atomic<int32_t> current_ef{16};
    RWLock lock;

    /// Takes ownership of a freshly created or read index and derives the views.
    explicit QFIndex(faiss::Index *index) {
        root.reset(index);
        if (auto *map2 = dynamic_cast<faiss::IndexIDMap2 *>(index)) {
            idmap = map2;
        } else if (dynamic_cast<faiss::IndexIDMap *>(index)) {
            fail("IndexIDMap (without reverse map) is not supported; use IDMap2");
        } else if (!dynamic_cast<faiss::IndexIVF *>(unwrap_transform(index))) {
            // A bare non-IVF index: wrap it, its vectors get ids 0..<ntotal.
            root.release();
            auto *map2 = new faiss::IndexIDMap2(index);
            map2->own_fields = true;
            map2->ntotal = index->ntotal;
            map2->id_map.resize(index->ntotal);
            for (idx_t i = 0; i < index->ntotal; i++) map2->id_map[i] = i;
            map2->construct_rev_map();
            root.reset(map2);
            idmap = map2;
        }
        searched = idmap ? idmap->index : root.get();
        faiss::Index *core = unwrap_transform(searched);
        ivf = dynamic_cast<faiss::IndexIVF *>(core);
        hnsw = dynamic_cast<faiss::IndexHNSW *>(core);
        if (ivf && ivf->direct_map.type != faiss::DirectMap::Hashtable) {
            ivf->set_direct_map_type(faiss::DirectMap::Hashtable);
        }
        removes_by_tombstone = idmap && (hnsw || dynamic_cast<faiss::IndexRefine *>(core));
        if (hnsw) {
            default_ef = hnsw->hnsw.efSearch;
            current_ef = default_ef;
        }
        if (idmap) {
            idmap->rev_map.erase(-1);
            tombstones = std::count(idmap->id_map.begin(), idmap->id_map.end(), idx_t(-1));
        }
    }

    int64_t count() const { return root->ntotal - tombstones; }

    bool contains(idx_t id) const {
        if (idmap) return idmap->rev_map.count(id) > 0;
        return ivf->direct_map.hashtable.count(id) > 0;
    }

    /// Runs a search-like operation holding the lock shared, with the HNSW
    /// efSearch set to `ef`. (1.7.3 ignores per-call efSearch, so the value is
    /// switched under the exclusive lock, and searches with equal values share.)
    template <typename Body>
    void with_search_lock(int32_t ef, Body body) {
        if (!hnsw) {
            SharedGuard guard(lock);
            body();
            return;
        }
        int32_t wanted = ef > 0 ? ef : default_ef;
        for (int attempt = 0; attempt < 8; attempt++) {
            {
                SharedGuard guard(lock);
                if (current_ef.load() == wanted) {
                    body();
                    return;
                }
            }
            ExclusiveGuard guard(lock);
            hnsw->hnsw.efSearch = wanted;
            current_ef = wanted;
        }
        // Contended by searches that want other values: search exclusively.
        ExclusiveGuard guard(lock);
        hnsw->hnsw.efSearch = wanted;
        current_ef = wanted;
        body();
    }

    /// Search parameters for the searched index; storage lives in the caller's frame.
    struct Parameters {
        faiss::SearchParametersIVF ivf;
        faiss::SearchParametersPreTransform pre;
        const faiss::SearchParameters *pointer = nullptr;
    };

    void make_parameters(int32_t nprobe, Parameters &p) const {
        if (!ivf) return;
        p.ivf.nprobe = nprobe > 0 ? size_t(nprobe) : ivf->nprobe;
        p.pointer = &p.ivf;
        // Each transform layer between `searched` and the IVF needs its own
        // parameter object; FAISS's factory strings produce at most one.
        if (searched != ivf) {
            p.pre.index_params = &p.ivf;
            p.pointer = &p.pre;
        }
    }

    void search(idx_t n, const float *x, idx_t k, int32_t nprobe, float *distances, idx_t *labels) const {
        Parameters p;
        make_parameters(nprobe, p);
        if (!idmap) {
            searched->search(n, x, k, distances, labels, p.pointer);
            return;
        }
        if (tombstones == 0) {
            searched->search(n, x, k, distances, labels, p.pointer);
            for (idx_t i = 0; i < n * k; i++)
                if (labels[i] >= 0) labels[i] = idmap->id_map[labels[i]];
            return;
        }
        // Over-fetch by the number of dead slots so that k live neighbours remain.
        idx_t fetch = std::min<idx_t>(k + tombstones, std::max<idx_t>(searched->ntotal, k));
        std::vector<float> all_distances(size_t(n) * fetch);
        std::vector<idx_t> all_labels(size_t(n) * fetch);
        searched->search(n, x, fetch, all_distances.data(), all_labels.data(), p.pointer);
        for (idx_t q = 0; q < n; q++) {
            idx_t written = 0;
            for (idx_t j = 0; j < fetch && written < k; j++) {
                idx_t slot = all_labels[q * fetch + j];
                if (slot < 0) continue;
                idx_t id = idmap->id_map[slot];
                if (id < 0) continue;
                distances[q * k + written] = all_distances[q * fetch + j];
                labels[q * k + written] = id;
                written++;
            }
            for (; written < k; written++) {
                distances[q * k + written] = std::numeric_limits<float>::quiet_NaN();
                labels[q * k + written] = -1;
            }
        }
    }

    std::vector<idx_t> live_ids() const {
        std::vector<idx_t> ids;
        ids.reserve(size_t(count()));
        if (idmap) {
            for (idx_t id : idmap->id_map)
                if (id >= 0) ids.push_back(id);
        } else {
            for (const auto &entry : ivf->direct_map.hashtable) ids.push_back(entry.first);
            std::sort(ids.begin(), ids.end());
        }
        return ids;
    }

    void check_new_ids(idx_t n, const idx_t *ids) const {
        std::unordered_set<idx_t> batch;
        batch.reserve(size_t(n));
        for (idx_t i = 0; i < n; i++) {
            if (ids[i] < 0) fail("negative id " + std::to_string(ids[i]));
            if (contains(ids[i]) || !batch.insert(ids[i]).second) {
                fail("duplicate id " + std::to_string(ids[i]));
            }
        }
    }

    void add(idx_t n, const float *x, const idx_t *ids) {
        if (!root->is_trained) fail("index is not trained; train it before adding vectors");
        check_new_ids(n, ids);
        root->add_with_ids(n, x, ids);
    }

    int64_t remove(idx_t n, const idx_t *ids) {
        std::vector<idx_t> present;
        for (idx_t i = 0; i < n; i++)
            if (contains(ids[i])) present.push_back(ids[i]);
        std::sort(present.begin(), present.end());
        present.erase(std::unique(present.begin(), present.end()), present.end());
        if (present.empty()) return 0;
        if (removes_by_tombstone) {
            for (idx_t id : present) {
                auto found = idmap->rev_map.find(id);
                idmap->id_map[found->second] = -1;
                idmap->rev_map.erase(found);
            }
            tombstones += idx_t(present.size());
        } else {
            // An IVF hashtable direct map only accepts an explicit id array.
            faiss::IDSelectorArray selector(present.size(), present.data());
            root->remove_ids(selector);
        }
        return int64_t(present.size());
    }

    void reconstruct(idx_t id, float *vector) const {
        if (!contains(id)) fail("unknown id " + std::to_string(id));
        root->reconstruct(id, vector);
    }
};

struct QFRangeResult {
    std::vector<int64_t> lims;
    std::vector<int64_t> ids;
    std::vector<float> distances;
};

namespace {

std::vector<uint8_t> serialize(const faiss::Index *index) {
    faiss::VectorIOWriter writer;
    faiss::write_index(index, &writer);
    return std::move(writer.data);
}

faiss::Index *deserialize(const std::vector<uint8_t> &bytes) {
    faiss::VectorIOReader reader;
    reader.data = bytes;
    return faiss::read_index(&reader);
}

void fsync_folder_of(const std::string &path) {
    size_t slash = path.find_last_of('/');
    std::string folder = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

std::string errno_message(const std::string &what, const std::string &path) {
    return what + " " + path + ": " + std::strerror(errno);
}

} // namespace

extern "C" {

void qf_string_free(char *string) { std::free(string); }

const char *qf_build_info(void) {
    static const std::string info = [] {
        try {
            return faiss::get_compile_options();
        } catch (...) {
            return std::string();
        }
    }();
    return info.c_str();
}

void qf_set_thread_count(int32_t count) {
    g_thread_count.store(count < 0 ? 0 : count);
    apply_thread_count();
}

int32_t qf_thread_count(void) {
    int32_t count = g_thread_count.load();
    return count > 0 ? count : omp_get_max_threads();
}

int qf_index_new(int32_t dimension, const char *factory, QFMetric metric, QFIndex **out, char **error) {
    return guarded(error, [&] {
        if (dimension <= 0) fail("dimension must be positive, got " + std::to_string(dimension));
        std::string description(factory ? factory : "");
        if (description.find("IDMap") != std::string::npos) {
            fail("factory string must not contain IDMap: every index already carries caller-chosen ids");
        }
        faiss::MetricType faiss_metric = metric == QF_METRIC_L2 ? faiss::METRIC_L2 : faiss::METRIC_INNER_PRODUCT;
        std::unique_ptr<faiss::Index> index(faiss::index_factory(dimension, description.c_str(), faiss_metric));
        if (!dynamic_cast<faiss::IndexIVF *>(unwrap_transform(index.get()))) {
            auto *map2 = new faiss::IndexIDMap2(index.release());
            map2->own_fields = true;
            index.reset(map2);
        }
        *out = new QFIndex(index.release());
    });
}

int qf_index_read(const char *path, QFIndex **out, char **error) {
    return guarded(error, [&] {
        // The QFIndex owns the index from its first statement, also when it throws.
        *out = new QFIndex(faiss::read_index(path));
    });
}

int qf_index_write(QFIndex *index, const char *path, char **error) {
    return guarded(error, [&] {
        std::string destination(path);
        std::string temporary = destination + ".tmp-" + std::to_string(::getpid()) + "-" +
                                std::to_string(reinterpret_cast<uintptr_t>(index));
        FILE *file = std::fopen(temporary.c_str(), "wb");
        if (!file) fail(errno_message("cannot create", temporary));
        try {
            {
                SharedGuard guard(index->lock);
                faiss::write_index(index->root.get(), file);
            }
            if (std::fflush(file) != 0 || ::fsync(fileno(file)) != 0) fail(errno_message("cannot flush", temporary));
            if (std::fclose(file) != 0) {
                file = nullptr;
                fail(errno_message("cannot close", temporary));
            }
            file = nullptr;
            if (std::rename(temporary.c_str(), destination.c_str()) != 0) {
                fail(errno_message("cannot rename to", destination));
            }
        } catch (...) {
            if (file) std::fclose(file);
            std::remove(temporary.c_str());
            throw;
        }
        fsync_folder_of(destination);
    });
}

int qf_index_clone(QFIndex *index, QFIndex **out, char **error) {
    return guarded(error, [&] {
        std::vector<uint8_t> bytes;
        int32_t default_ef;
        {
            SharedGuard guard(index->lock);
            bytes = serialize(index->root.get());
            default_ef = index->default_ef;
        }
        auto *copy = new QFIndex(deserialize(bytes));
        if (copy->hnsw) {
            copy->default_ef = default_ef;
            copy->current_ef = default_ef;
            copy->hnsw->hnsw.efSearch = default_ef;
        }
        *out = copy;
    });
}

void qf_index_free(QFIndex *index) { delete index; }

void qf_index_info(QFIndex *index, QFIndexInfo *info) {
    SharedGuard guard(index->lock);
    info->dimension = index->root->d;
    info->metric = index->root->metric_type == faiss::METRIC_L2 ? QF_METRIC_L2 : QF_METRIC_INNER_PRODUCT;
    info->is_trained = index->root->is_trained ? 1 : 0;
    info->is_ivf = index->ivf ? 1 : 0;
    info->is_hnsw = index->hnsw ? 1 : 0;
    info->nlist = index->ivf ? int32_t(index->ivf->nlist) : 0;
    info->default_nprobe = index->ivf ? int32_t(index->ivf->nprobe) : 0;
    info->default_ef_search = index->hnsw ? index->default_ef : 0;
    info->count = index->count();
    info->tombstones = index->tombstones;
}

double qf_index_imbalance(QFIndex *index) {
    SharedGuard guard(index->lock);
    if (!index->ivf || index->ivf->ntotal == 0) return 0;
    try {
        return index->ivf->invlists->imbalance_factor();
    } catch (...) {
        return 0;
    }
}

int qf_index_train(QFIndex *index, int64_t n, const float *vectors, char **error) {
    return guarded(error, [&] {
        ExclusiveGuard guard(index->lock);
        if (n <= 0) fail("no training vectors");
        index->root->train(n, vectors);
    });
}

int qf_index_add(QFIndex *index, int64_t n, const float *vectors, const int64_t *ids, char **error) {
    return guarded(error, [&] {
        ExclusiveGuard guard(index->lock);
        index->add(n, vectors, ids);
    });
}

int qf_index_remove(QFIndex *index, int64_t n, const int64_t *ids, int64_t *removed, char **error) {
    return guarded(error, [&] {
        ExclusiveGuard guard(index->lock);
        *removed = index->remove(n, ids);
    });
}

int qf_index_reconstruct(QFIndex *index, int64_t id, float *vector, char **error) {
    return guarded(error, [&] {
        SharedGuard guard(index->lock);
        index->reconstruct(id, vector);
    });
}

int qf_index_ids(QFIndex *index, int64_t *ids, int64_t capacity, int64_t *count, char **error) {
    return guarded(error, [&] {
        SharedGuard guard(index->lock);
        std::vector<idx_t> live = index->live_ids();
        *count = int64_t(live.size());
        std::copy_n(live.begin(), std::min<int64_t>(capacity, int64_t(live.size())), ids);
    });
}

int qf_index_merge(QFIndex *target, QFIndex *source, char **error) {
    return guarded(error, [&] {
        if (target == source) fail("cannot merge an index into itself");
        // Snapshot the source first so the two locks are never held together.
        std::vector<uint8_t> bytes;
        {
            SharedGuard guard(source->lock);
            if (source->root->d != target->root->d) {
                fail("dimension mismatch: " + std::to_string(source->root->d) + " into " +
                     std::to_string(target->root->d));
            }
            bytes = serialize(source->root.get());
        }
        QFIndex copy(deserialize(bytes));
        std::vector<idx_t> ids = copy.live_ids();

        ExclusiveGuard guard(target->lock);
        if (copy.root->metric_type != target->root->metric_type) fail("metric mismatch");
        target->check_new_ids(idx_t(ids.size()), ids.data());
        if (ids.empty()) return;
        if (target->ivf && copy.ivf && target->searched == target->ivf && copy.searched == copy.ivf) {
            // FAISS merges inverted lists only between indexes without direct maps.
            target->ivf->set_direct_map_type(faiss::DirectMap::NoMap);
            copy.ivf->set_direct_map_type(faiss::DirectMap::NoMap);
            bool merged = false;
            try {
                target->ivf->check_compatible_for_merge(*copy.ivf);
                target->ivf->merge_from(*copy.ivf, 0);
                merged = true;
            } catch (const faiss::FaissException &) {
                // Different coarse quantizers: fall back to re-adding the vectors.
                copy.ivf->set_direct_map_type(faiss::DirectMap::Hashtable);
            }
            target->ivf->set_direct_map_type(faiss::DirectMap::Hashtable);
            if (merged) return;
        }
        if (!target->root->is_trained) fail("target index is not trained");
        const size_t batch = 4096;
        const size_t d = size_t(copy.root->d);
        std::vector<float> vectors(batch * d);
        for (size_t start = 0; start < ids.size(); start += batch) {
            size_t n = std::min(batch, ids.size() - start);
            for (size_t i = 0; i < n; i++) copy.root->reconstruct(ids[start + i], vectors.data() + i * d);
            target->root->add_with_ids(idx_t(n), vectors.data(), ids.data() + start);
        }
    });
}

int qf_index_set_search_defaults(QFIndex *index, int32_t nprobe, int32_t ef_search, char **error) {
    return guarded(error, [&] {
        ExclusiveGuard guard(index->lock);
        if (nprobe < 0 || ef_search < 0) fail("search defaults must not be negative");
        if (nprobe > 0) {
            if (!index->ivf) fail("nprobe applies to IVF indexes only");
            index->ivf->nprobe = size_t(nprobe);
        }
        if (ef_search > 0) {
            if (!index->hnsw) fail("efSearch applies to HNSW indexes only");
            index->default_ef = ef_search;
            index->hnsw->hnsw.efSearch = ef_search;
            index->current_ef = ef_search;
        }
    });
}

int qf_index_search(QFIndex *index, int64_t n, const float *queries, int64_t k, int32_t nprobe, int32_t ef_search,
                    float *distances, int64_t *ids, char **error) {
    return guarded(error, [&] {
        if (k <= 0) fail("k must be positive, got " + std::to_string(k));
        index->with_search_lock(ef_search, [&] { index->search(n, queries, k, nprobe, distances, ids); });
    });
}

int qf_index_range_search(QFIndex *index, int64_t n, const float *queries, float radius, int32_t nprobe,
                          int32_t ef_search, QFRangeResult **out, char **error) {
    return guarded(error, [&] {
        auto result = std::make_unique<QFRangeResult>();
        index->with_search_lock(ef_search, [&] {
            QFIndex::Parameters p;
            index->make_parameters(nprobe, p);
            faiss::RangeSearchResult raw(n);
            index->searched->range_search(n, queries, radius, &raw, p.pointer);
            result->lims.push_back(0);
            for (idx_t q = 0; q < n; q++) {
                for (size_t j = raw.lims[q]; j < raw.lims[q + 1]; j++) {
                    idx_t id = index->idmap ? index->idmap->id_map[raw.labels[j]] : raw.labels[j];
                    if (id < 0) continue;
                    result->ids.push_back(id);
                    result->distances.push_back(raw.distances[j]);
                }
                result->lims.push_back(int64_t(result->ids.size()));
            }
        });
        *out = result.release();
    });
}

const int64_t *qf_range_result_lims(const QFRangeResult *result) { return result->lims.data(); }
const int64_t *qf_range_result_ids(const QFRangeResult *result) { return result->ids.data(); }
const float *qf_range_result_distances(const QFRangeResult *result) { return result->distances.data(); }
void qf_range_result_free(QFRangeResult *result) { delete result; }

} // extern "C"
