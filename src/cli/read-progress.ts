// A progress line on a terminal while a big file is read (20M rows take
// seconds): "reading sales.csv: 512 of 1,151 MB". Only when stderr is a
// terminal, so logs and pipes get the issues and summary alone.
import type { CliIo } from './command';

/** Files below this read too fast for a progress line to help. */
const MIN_BYTES = 64 * 1024 ** 2;
const EVERY_MS = 250;

export function readProgress(
  name: string,
  io: CliIo,
  isTerminal: boolean = process.stderr.isTTY === true,
): { onProgress: (read: number, total: number) => void; done: () => void } {
  let last = 0;
  let shown = false;
  const mb = (b: number): string => Math.round(b / 1024 ** 2).toLocaleString('en-US');
  return {
    onProgress(read, total) {
      if (!isTerminal || total < MIN_BYTES) return;
      const now = Date.now();
      if (now - last < EVERY_MS) return;
      last = now;
      shown = true;
      io.err(`\rreading ${name}: ${mb(read)} of ${mb(total)} MB`);
    },
    done() {
      if (shown) io.err('\r\x1b[K');
    },
  };
}
