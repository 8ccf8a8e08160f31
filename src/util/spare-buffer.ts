/**
 * One SharedArrayBuffer kept between calls, so a large input is copied into memory that is already
 * mapped: a fresh buffer of tens of MB costs more in first-touch page faults than the copy itself.
 * Only a buffer no task still reads may be given back (callers give it back on success only).
 */
export class SpareSharedBuffer {
  private spare: SharedArrayBuffer | undefined;

  /** @param maxBytes largest buffer kept (larger ones are left to the garbage collector). */
  constructor(private readonly maxBytes: number) {}

  /** A buffer of at least `bytes`: the spare when free and at most twice that size, else a new one. */
  take(bytes: number): SharedArrayBuffer {
    const s = this.spare;
    if (s && s.byteLength >= bytes && s.byteLength <= 2 * bytes) {
      this.spare = undefined;
      return s;
    }
    return new SharedArrayBuffer(bytes);
  }

  /** Keeps `buffer` for the next `take` (the larger of the two when one is kept already). */
  give(buffer: SharedArrayBuffer): void {
    if (buffer.byteLength > this.maxBytes) return;
    if (!this.spare || this.spare.byteLength < buffer.byteLength) this.spare = buffer;
  }

  /** Drops the kept buffer. */
  clear(): void {
    this.spare = undefined;
  }
}
