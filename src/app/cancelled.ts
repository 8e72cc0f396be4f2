/** A call the user cancelled (the worker stopped or was terminated); never shown as an error. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}
