# One-command entry points. `make run` and `make test` set up .venv themselves on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
CORPUS ?= data/raw
OUT    ?= outputs
STAMP  := $(VENV)/.installed
# One BLAS/OpenMP thread: on 2 cores threaded BLAS slowed small fits badly, and a fixed thread
# count keeps floating-point sums, and so the stored notebook outputs, identical across machines.
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1

.PHONY: setup run test test-browser notebooks lock clean

setup: $(STAMP)

$(STAMP): pyproject.toml requirements-lock.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements-lock.txt -e ".[dev]"
	$(BIN)/python -m ipykernel install --user --name sinojp --display-name "Python (sinojp)" >/dev/null
	touch $(STAMP)

## The main job: analysis of CORPUS into OUT, every notebook executed on it, and the HTML report.
run: setup
	$(BIN)/python -m sinojp run --corpus $(CORPUS) --out $(OUT)
	$(BIN)/python -m sinojp notebooks --corpus $(CORPUS) --out $(OUT)

## The whole test suite: unit tests and nbval over the stored notebooks.
test: setup
	$(BIN)/python -m pytest tests
	$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with notebooks/sanitize.cfg notebooks

## End to end: every notebook run through JupyterLab's UI in headless Chromium (needs chromium + chromium-driver).
test-browser: setup
	SINOJP_BROWSER=1 $(BIN)/python -m pytest -m browser tests/test_browser.py

## Re-execute the stored notebooks in place (after changing the library); their outputs are what nbval checks.
notebooks: setup
	$(BIN)/python -m sinojp notebooks --inplace

lock: setup
	{ echo "# Exact versions the stored notebook outputs were produced with (pip constraints file)."; \
	  echo "# Regenerate with: make lock"; $(BIN)/python -m pip freeze --exclude-editable; } > requirements-lock.txt

clean:
	rm -rf $(OUT)
