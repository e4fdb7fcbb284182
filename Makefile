# The README's two commands. Both install missing Debian packages (when run as root), configure and build.
BUILD_DIR ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: demo test test-sanitize fuzz build deps deps-sanitize clean bench

deps:
	@bash scripts/install_deps.sh

$(BUILD_DIR)/CMakeCache.txt:
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	./$(BUILD_DIR)/scan train

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# The whole suite built with clang, AddressSanitizer and UndefinedBehaviorSanitizer (any report
# fails the test that triggered it), in its own build folder. The same build holds the libFuzzer
# targets of tests/fuzz: `make fuzz` runs each for FUZZ_SECONDS (scripts/run_fuzzers.sh says where
# crashes go).
SANITIZE_DIR = $(BUILD_DIR)-sanitize
SANITIZE_FLAGS = -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_SECONDS ?= 30
FUZZ_TARGETS = npy safetensors vocab captions checkpoint_metadata train_flags objects

$(SANITIZE_DIR)/CMakeCache.txt:
	CC=clang CXX=clang++ cmake -S . -B $(SANITIZE_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFW_FUZZ=ON -DFW_CUDA=OFF \
	  "-DCMAKE_CXX_FLAGS=$(SANITIZE_FLAGS)" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" $(CMAKE_FLAGS)

test-sanitize: deps-sanitize $(SANITIZE_DIR)/CMakeCache.txt
	cmake --build $(SANITIZE_DIR) -j $(JOBS)
	cd $(SANITIZE_DIR) && ctest --output-on-failure -j $(JOBS)

fuzz: deps-sanitize $(SANITIZE_DIR)/CMakeCache.txt
	cmake --build $(SANITIZE_DIR) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	bash scripts/run_fuzzers.sh $(SANITIZE_DIR) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

deps-sanitize:
	@bash scripts/install_deps.sh sanitize

bench: build
	./$(BUILD_DIR)/bench_framework

clean:
	rm -rf $(BUILD_DIR)
