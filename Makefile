# The two commands of the README (demo, test), and the bounded extras.
# Everything else lives in scripts/.
.PHONY: demo test build setup bench fuzz load load-cluster
FUZZ_SECONDS ?= 60
demo:
	scripts/demo.sh
test:
	scripts/test.sh
build:
	scripts/setup.sh && scripts/build-pkg.sh
setup:
	scripts/setup.sh
bench:
	bench/run.sh
fuzz:
	scripts/fuzz.sh $(FUZZ_SECONDS)
load:
	cargo run --release -p razorpay-demo --example load
load-cluster:
	scripts/load-cluster.sh
