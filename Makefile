# The two commands of the README. Everything else lives in scripts/.
.PHONY: demo test build setup
demo:
	scripts/demo.sh
test:
	scripts/test.sh
build:
	scripts/setup.sh && scripts/build-pkg.sh
setup:
	scripts/setup.sh
