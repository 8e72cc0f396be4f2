/** A call stopped by the user (the worker was terminated); never shown as an error. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}
