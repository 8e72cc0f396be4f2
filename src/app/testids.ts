// data-testid values, shared by the components and tests/browser so a
// renamed element breaks the build, not silently the tests.
export const TEST_IDS = {
  dropZone: 'drop-zone',
  fileInput: 'file-input',
  sampleButton: 'sample-button',
  horizon: 'horizon',
  progress: 'progress',
  progressStage: 'progress-stage',
  cancelButton: 'cancel-button',
  mappingForm: 'mapping-form',
  mappingSubmit: 'mapping-submit',
  error: 'error',
  summary: 'summary',
  problem: 'problem',
  issues: 'issues',
  provider: 'provider',
  fallbackReason: 'fallback-reason',
  timings: 'timings',
  forecastTable: 'forecast-table',
  downloadCsv: 'download-csv',
} as const;
