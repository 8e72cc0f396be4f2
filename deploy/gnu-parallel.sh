#!/bin/sh
# One large machine: N skucast processes at a time with GNU parallel.
# usage: deploy/gnu-parallel.sh sales.csv 8 > forecast.csv
# Each process reads the whole file and keeps the skus of its shard; the
# CSVs of the N forecast shards together are one process's forecast.
set -eu
FILE=$1
N=${2:-4}
WORK=${WORK:-skucast-job}
mkdir -p "$WORK"
# 1. score shards (every candidate model backtested on the shard's skus)
seq 0 $((N - 1)) | parallel --halt now,fail=1 \
  "skucast backtest '$FILE' --shard {}/$N --format scores > '$WORK'/scores-{}.ndjson"
# 2. choose: the one model choice, band and totals of all skus
skucast choose "$WORK"/scores-*.ndjson > "$WORK"/choice.json
# 3. forecast shards (only the chosen models run)
seq 0 $((N - 1)) | parallel --halt now,fail=1 \
  "skucast forecast '$FILE' --shard {}/$N --choice '$WORK'/choice.json > '$WORK'/forecast-{}.csv"
# 4. concatenate: one header, then every shard's rows
head -n 1 "$WORK"/forecast-0.csv
for f in "$WORK"/forecast-*.csv; do tail -n +2 "$f"; done
