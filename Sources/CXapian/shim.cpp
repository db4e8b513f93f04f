#include "CXapian.h"

#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

// Xapian's glass backend refuses terms over 245 bytes.
constexpr size_t max_term_bytes = 245;

void set_error(char **error, const std::string &message) {
    if (error == nullptr) return;
    *error = static_cast<char *>(std::malloc(message.size() + 1));
    if (*error != nullptr) std::memcpy(*error, message.c_str(), message.size() + 1);
}

template <typename Body> int guarded(char **error, Body body) {
    try {
        body();
        return 0;
    } catch (const Xapian::Error &e) {
        set_error(error, e.get_description());
    } catch (const std::exception &e) {
        set_error(error, e.what());
    } catch (...) {
        set_error(error, "unknown Xapian error");
    }
    return -1;
}

/// Accepts only the ids of a sorted list.
class AllowedIDs : public Xapian::MatchDecider {
  public:
    AllowedIDs(const uint32_t *ids, size_t count) : ids_(ids), count_(count) {}
    bool operator()(const Xapian::Document &document) const override {
        return std::binary_search(ids_, ids_ + count_, document.get_docid());
    }

  private:
    const uint32_t *ids_;
    size_t count_;
};

/// Opens `path` for writing (creating it when missing), trying again while its write lock is
/// held, after pauses of 1, 2, 4 … and at most 50 milliseconds, the last try at `patience`.
Xapian::WritableDatabase open_writer(const std::string &path, std::chrono::milliseconds patience) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + patience;
    Clock::duration pause = std::chrono::milliseconds(1);
    while (true) {
        try {
            return Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN);
        } catch (const Xapian::DatabaseLockError &) {
            const auto now = Clock::now();
            if (now >= deadline) throw;
            std::this_thread::sleep_for(std::min(pause, deadline - now));
            pause = std::min<Clock::duration>(pause * 2, std::chrono::milliseconds(50));
        }
    }
}

} // namespace

/// Serialises the writes of the whole process: Xapian allows one writer per database.
static std::mutex write_lock;

struct QXDatabase {
    std::string path;
    std::chrono::milliseconds lock_patience;
    std::mutex pool_lock;
    std::vector<std::unique_ptr<Xapian::Database>> readers;

    /// Opens the database, creating it only when missing: an existing one is never written
    /// here, so a read-only folder can still be searched.
    QXDatabase(const std::string &folder, std::chrono::milliseconds patience) : path(folder), lock_patience(patience) {
        try {
            readers.emplace_back(new Xapian::Database(folder));
        } catch (const Xapian::DatabaseNotFoundError &) {
            std::lock_guard<std::mutex> lock(write_lock);
            open_writer(folder, lock_patience).close();
        }
    }

    /// A read-only handle on the last commit, from the pool or new.
    std::unique_ptr<Xapian::Database> take_reader() {
        std::unique_ptr<Xapian::Database> reader;
        {
            std::lock_guard<std::mutex> lock(pool_lock);
            if (!readers.empty()) {
                reader = std::move(readers.back());
                readers.pop_back();
            }
        }
        if (reader) {
            reader->reopen();
        } else {
            reader.reset(new Xapian::Database(path));
        }
        return reader;
    }

    void give_back(std::unique_ptr<Xapian::Database> reader) {
        std::lock_guard<std::mutex> lock(pool_lock);
        readers.push_back(std::move(reader));
    }

    /// Runs `body` on a pooled reader; once more on a fresh view if a commit overtook it.
    template <typename Body> void reading(Body body) {
        auto reader = take_reader();
        try {
            body(*reader);
        } catch (const Xapian::DatabaseModifiedError &) {
            reader->reopen();
            body(*reader);
        }
        give_back(std::move(reader));
    }
};

extern "C" {

void qx_string_free(char *string) { std::free(string); }

int qx_open(const char *path, uint32_t lock_patience_ms, QXDatabase **out, char **error) {
    return guarded(error, [&] { *out = new QXDatabase(path, std::chrono::milliseconds(lock_patience_ms)); });
}

void qx_close(QXDatabase *database) { delete database; }

int qx_apply(
    QXDatabase *database, const uint32_t *removed, size_t removed_count, const uint32_t *added,
    const size_t *term_counts, const char *const *terms, size_t added_count, char **error) {
    return guarded(error, [&] {
        std::vector<Xapian::Document> documents(added_count);
        size_t next = 0;
        for (size_t i = 0; i < added_count; ++i) {
            for (size_t end = next + term_counts[i]; next < end; ++next) {
                if (std::strlen(terms[next]) <= max_term_bytes) documents[i].add_term(terms[next]);
            }
        }
        std::lock_guard<std::mutex> lock(write_lock);
        Xapian::WritableDatabase writer = open_writer(database->path, database->lock_patience);
        for (size_t i = 0; i < removed_count; ++i) {
            try {
                writer.delete_document(removed[i]);
            } catch (const Xapian::DocNotFoundError &) {
            }
        }
        for (size_t i = 0; i < added_count; ++i) writer.replace_document(added[i], documents[i]);
        writer.commit();
        writer.close();
    });
}

int qx_count(QXDatabase *database, uint32_t *count, char **error) {
    return guarded(error, [&] { database->reading([&](Xapian::Database &reader) { *count = reader.get_doccount(); }); });
}

int qx_ids(QXDatabase *database, uint32_t **ids, size_t *count, char **error) {
    *ids = nullptr;
    *count = 0;
    return guarded(error, [&] {
        std::vector<uint32_t> found;
        database->reading([&](Xapian::Database &reader) {
            found.clear();
            found.reserve(reader.get_doccount());
            for (auto it = reader.postlist_begin(""); it != reader.postlist_end(""); ++it) found.push_back(*it);
        });
        *ids = static_cast<uint32_t *>(std::malloc(std::max<size_t>(1, found.size()) * sizeof(uint32_t)));
        if (*ids == nullptr) throw std::bad_alloc();
        std::copy(found.begin(), found.end(), *ids);
        *count = found.size();
    });
}

int qx_search(
    QXDatabase *database, const char *const *terms, size_t count, double k1, double b, uint64_t max_postings,
    const uint32_t *allowed, size_t allowed_count, uint32_t limit, uint32_t *ids, double *scores, size_t *found,
    char **error) {
    *found = 0;
    return guarded(error, [&] {
        if (limit == 0) return;
        AllowedIDs decider(allowed, allowed_count);
        database->reading([&](Xapian::Database &reader) {
            // The rarest terms first, while their postings fit the budget (at least one term).
            std::vector<std::pair<Xapian::doccount, std::string>> frequencies;
            for (size_t i = 0; i < count; ++i) {
                if (std::strlen(terms[i]) > max_term_bytes) continue;
                Xapian::doccount frequency = reader.get_termfreq(terms[i]);
                if (frequency > 0) frequencies.emplace_back(frequency, terms[i]);
            }
            std::sort(frequencies.begin(), frequencies.end());
            std::vector<std::string> chosen;
            uint64_t postings = 0;
            for (const auto &entry : frequencies) {
                if (!chosen.empty() && max_postings != 0 && postings + entry.first > max_postings) break;
                chosen.push_back(entry.second);
                postings += entry.first;
            }
            *found = 0;
            if (chosen.empty()) return;
            Xapian::Enquire enquire(reader);
            enquire.set_weighting_scheme(Xapian::BM25Weight(k1, 0, 1, b, 0.5));
            enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, chosen.begin(), chosen.end()));
            Xapian::MSet matches = enquire.get_mset(0, limit, nullptr, allowed == nullptr ? nullptr : &decider);
            size_t written = 0;
            for (auto it = matches.begin(); it != matches.end() && written < limit; ++it, ++written) {
                ids[written] = *it;
                scores[written] = it.get_weight();
            }
            *found = written;
        });
    });
}

} // extern "C"
