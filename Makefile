# Quarry's two commands. The work lives in scripts/.
.PHONY: run test setup bench-faiss bench-embeddings

## Install what is missing, build a release binary, serve ./data on 127.0.0.1:8080.
run:
	scripts/run.sh

## Install what is missing, then run every test.
test:
	scripts/test.sh

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
