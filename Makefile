# The two commands of the README: `make demo` (the main job) and `make test`.
TABLES ?= ../shared/data/one-click
MODEL  ?= models/churn-svc.json
OUT    ?= build

.PHONY: setup build release demo test bench bench-state bench-stream score model clean

setup:
	@scripts/setup.sh

build: setup
	swift build

release: setup
	swift build -c release

# The main job: the worker against an embedded Kafka broker, with a synthetic population whose
# activity streams in; alerts print as they arrive. `make demo DEMO_ARGS="--clients 5000 --speed 5"`.
demo: release
	.build/release/churn demo --model $(MODEL) $(DEMO_ARGS)

test: build
	swift test

# Benchmarks (release build): model scoring and training, the state engine, the worker end to end.
bench: release
	.build/release/churn bench --model $(MODEL) --tables $(TABLES)

bench-state: release
	.build/release/churn bench-state --model $(MODEL)

bench-stream: release
	.build/release/churn bench-stream --model $(MODEL)

# Batch: train on the shop's tables (report included) and score every client.
score: release
	.build/release/churn train --tables $(TABLES) --out $(OUT)/churn-svc.json --report $(OUT)/report
	.build/release/churn score --model $(OUT)/churn-svc.json --tables $(TABLES) > $(OUT)/scores.csv
	@echo "scores: $(OUT)/scores.csv ($$(($$(wc -l < $(OUT)/scores.csv) - 1)) clients, $$(grep -c ',true$$' $(OUT)/scores.csv) in the alert segment)"

# Retrain the committed model (default seed) and its report.
model: release
	.build/release/churn train --tables $(TABLES) --out $(MODEL) --report docs/report

clean:
	rm -rf .build $(OUT)
