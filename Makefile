# The two commands of the README: `make demo` (the main job) and `make test`.
TABLES ?= ../shared/data/one-click
MODEL  ?= models/churn-svc.json
OUT    ?= build

.PHONY: setup build release demo test bench model clean

setup:
	@scripts/setup.sh

build: setup
	swift build

release: setup
	swift build -c release

# Main job until the worker lands: train on the shop's tables (report included) and score every client.
demo: release
	.build/release/churn train --tables $(TABLES) --out $(OUT)/churn-svc.json --report $(OUT)/report
	.build/release/churn score --model $(OUT)/churn-svc.json --tables $(TABLES) > $(OUT)/scores.csv
	@echo "scores: $(OUT)/scores.csv ($$(($$(wc -l < $(OUT)/scores.csv) - 1)) clients, $$(grep -c ',true$$' $(OUT)/scores.csv) in the alert segment)"

test: build
	swift test

bench: release
	.build/release/churn bench --model $(MODEL) --tables $(TABLES)

# Retrain the committed model (default seed) and its report.
model: release
	.build/release/churn train --tables $(TABLES) --out $(MODEL) --report docs/report

clean:
	rm -rf .build $(OUT)
