// A file's bytes collected whole, for formats read from their end (a zip's
// directory, a Parquet footer) that came as a stream (stdin, a push of
// chunks); once past `max` they are only counted, for the message.

export class HeldBytes {
  private chunks: Uint8Array[] = [];
  private size = 0;

  constructor(private readonly max: number) {}

  get byteLength(): number {
    return this.size;
  }

  get tooLarge(): boolean {
    return this.size > this.max;
  }

  push(chunk: Uint8Array): void {
    this.size += chunk.byteLength;
    if (this.tooLarge) this.chunks = [];
    // Copied: a caller may reuse its buffer for the next chunk.
    else this.chunks.push(chunk.slice());
  }

  bytes(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0] as Uint8Array;
    const all = new Uint8Array(this.size);
    let at = 0;
    for (const c of this.chunks) {
      all.set(c, at);
      at += c.byteLength;
    }
    this.chunks = [all];
    return all;
  }
}
