# Thin wrapper: the real work is in scripts/ so that a fresh Debian machine
# without make can run the README's two commands too.
.PHONY: all modules userspace test vm-test checkpatch demo clean

all: modules userspace

modules:
	scripts/build-modules.sh

userspace:
	cmake -S . -B build/userspace -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build build/userspace -j$$(nproc)

test:
	scripts/test.sh

vm-test: modules
	tests/vm/run $(SCENARIOS)

checkpatch:
	scripts/checkpatch.sh

demo:
	scripts/demo.sh

clean:
	rm -rf build
