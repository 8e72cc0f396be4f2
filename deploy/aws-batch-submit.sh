#!/bin/sh
# AWS Batch: score shards (array job) -> choose -> forecast shards (array
# job) -> concatenate, chained by dependsOn. AWS Batch sets
# AWS_BATCH_JOB_ARRAY_INDEX in each child of an array job; `--shard env/N`
# reads it. Register deploy/aws-batch-job-definition.json first:
#   aws batch register-job-definition --cli-input-json file://deploy/aws-batch-job-definition.json
set -eu
Q=${QUEUE:-skucast-queue}
N=${N:-8}
submit() { aws batch submit-job --job-queue "$Q" --job-definition skucast --query jobId --output text "$@"; }
SCORES=$(submit --job-name skucast-scores --array-properties size=$N --parameters \
  step="skucast backtest /data/sales.csv --shard env/$N --format scores > /data/job/scores-\$AWS_BATCH_JOB_ARRAY_INDEX.ndjson")
CHOOSE=$(submit --job-name skucast-choose --depends-on jobId=$SCORES --parameters \
  step="skucast choose /data/job/scores-*.ndjson > /data/job/choice.json")
FORECAST=$(submit --job-name skucast-forecast --array-properties size=$N --depends-on jobId=$CHOOSE --parameters \
  step="skucast forecast /data/sales.csv --shard env/$N --choice /data/job/choice.json > /data/job/forecast-\$AWS_BATCH_JOB_ARRAY_INDEX.csv")
submit --job-name skucast-concatenate --depends-on jobId=$FORECAST --parameters \
  step="head -n 1 /data/job/forecast-0.csv > /data/forecast.csv && for f in /data/job/forecast-*.csv; do tail -n +2 \$f; done >> /data/forecast.csv"
