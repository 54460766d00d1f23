# Two commands do all the set-up: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint-imports bench screenshots package package-full package-test clean

# The installed .venv takes 2.9 GB; pip's unpacking and llama.cpp's build need room beside it while it installs
# (4.2 GB at the peak, measured on a clean clone). A whole `.ci/run` peaked at 6.8 GB.
INSTALL_NEEDS_GB := 5
PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check --no-cache-dir

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) packaging/check_disk.py --needs-gb $(INSTALL_NEEDS_GB) --what "installing Hearth's Python packages" .
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# torch first and alone, pinned, so the CPU build on disk is used (llama-cpp-python builds from source, ~5 min)
	$(PIP_INSTALL) torch==2.13.0
	$(PIP_INSTALL) -r requirements.lock
	touch $(STAMP)

# With a display: the app. Without one: the same flow headless on the bundled sample folder.
run: $(STAMP)
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
		$(PY) main.py; \
	else \
		$(PY) main.py demo --data-dir .hearth-demo; \
	fi

TEST_ENV := QT_QPA_PLATFORM=offscreen HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1

# Both tiers: the fast one (fakes, tiny random models) and the end-to-end one (the real bundled models).
test: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest -q

# The fast tier alone, for development: no real model is loaded (under 2 minutes).
test-fast: $(STAMP)
	$(TEST_ENV) $(PY) -m pytest -q -m "not e2e"

# The layer contracts in pyproject.toml (also checked by tests/test_layering.py).
lint-imports: $(STAMP)
	$(VENV)/bin/lint-imports

# Benchmarks print figures and ratios; results are recorded in docs/benchmarks.md.
# retrieval_quality.py needs Debian's man pages: apt-get install manpages manpages-dev
bench: $(STAMP)
	cd bench && ../$(PY) index_throughput.py
	cd bench && ../$(PY) watch_and_reconcile.py
	cd bench && ../$(PY) retrieval_latency.py
	cd bench && ../$(PY) generation.py
	cd bench && ../$(PY) retrieval_quality.py
	cd bench && ../$(PY) embedding_backends.py
	cd bench && ../$(PY) export_variants.py --set b
	cd bench && ../$(PY) embedder_tune.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/gui_responsiveness.py

# The desktop app as a self-contained folder and .tar.gz in dist/ (PyInstaller; see packaging/build.py).
# `package` is the core download (no torch: fine-tuning is the optional part), `package-full` has everything.
PACKAGING_STAMP := $(VENV)/.packaging
$(PACKAGING_STAMP): $(STAMP) packaging/requirements.txt
	$(PIP_INSTALL) -r packaging/requirements.txt
	touch $(PACKAGING_STAMP)

# The core bundle: build/ 0.6 GB, dist/ 2 GB (folder and archive), and the smoke test unpacks one more copy.
PACKAGE_NEEDS_GB := 4

package: $(PACKAGING_STAMP)
	@$(PY) packaging/check_disk.py --needs-gb $(PACKAGE_NEEDS_GB) --what "building the app bundle" .
	$(PY) packaging/build.py --variant core

package-full: $(PACKAGING_STAMP)
	$(PY) packaging/build.py --variant full

# Unpack the newest archive into a fresh folder and run it with no venv and no Python on PATH (demo, index and
# search, and the window under Xvfb when xvfb, xdotool and imagemagick are installed).
package-test: package
	$(PY) packaging/smoke_test.py

screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m gui.screenshots

clean:
	rm -rf $(VENV) .hearth-demo .pytest_cache build dist
