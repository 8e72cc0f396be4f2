// Placeholder entry until the CLI lands; replaced by the ingestion work.
console.error('skucast: no command yet');
process.exit(2);
