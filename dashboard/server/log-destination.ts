/**
 * Where the server's JSON log lines go when no stream is given: stdout, in batches. A
 * synchronous write per request cost about a quarter of a small answer's throughput (measured
 * side by side with LOG_LEVEL info and warn under autocannon), so lines are collected and leave
 * in chunks of 64 KB, at least every half second, and when the process exits or the server
 * closes. A hard kill (SIGKILL, out of memory) can lose the last half second of lines; Node
 * still prints a crash itself to stderr.
 *
 * Each line is encoded into the chunk's bytes as it comes, rather than kept as a string until
 * the chunk is full: pino builds a line out of many small concatenated strings, and a few
 * hundred such lines kept alive survived every young-generation GC and were copied and
 * promoted with it (node --trace-gc: old space grew about 1.5 MB per scavenge under load).
 *
 * The lines are collected here rather than in pino.destination's own buffer: sonic-boom
 * measures the UTF-8 length of its whole pending buffer on every write, which made each log
 * line cost in proportion to the buffer (6% of a small answer's time at 64 KB, profiled).
 */
import pino from "pino";

/** The size of one write to stdout, in bytes. */
const LOG_CHUNK_BYTES = 64 * 1024;

interface BufferedLog {
  stream: { write(line: string): void };
  /** writes what is collected, synchronously; call once, when the server closes */
  close(): void;
}

/** Collects lines as UTF-8 and hands them to `sink` in chunks of at most `chunkBytes`. */
export class LineBatcher {
  private bytes: Buffer;
  private used = 0;

  constructor(
    private readonly sink: (chunk: Buffer) => void,
    private readonly chunkBytes = LOG_CHUNK_BYTES,
  ) {
    this.bytes = Buffer.allocUnsafe(chunkBytes);
  }

  write(line: string): void {
    // a UTF-16 code unit takes at most 3 bytes in UTF-8: drain early rather than measure
    const mostBytes = line.length * 3;
    if (this.used + mostBytes > this.chunkBytes) {
      this.drain();
      if (mostBytes > this.chunkBytes) {
        this.sink(Buffer.from(line, "utf8"));
        return;
      }
    }
    this.used += this.bytes.write(line, this.used, "utf8");
  }

  /** hands over whatever is collected */
  drain(): void {
    if (this.used === 0) return;
    // the sink may write it later: the next lines go into new bytes
    const chunk = this.bytes.subarray(0, this.used);
    this.bytes = Buffer.allocUnsafe(this.chunkBytes);
    this.used = 0;
    this.sink(chunk);
  }
}

export function bufferedStdout(flushEveryMs = 500): BufferedLog {
  // sonic-boom writes each chunk as it comes (minLength 0), asynchronously, retrying EAGAIN
  // on a non-blocking pipe; maxWrite above the chunk size keeps a chunk in one write
  const destination = pino.destination({
    dest: 1,
    sync: false,
    minLength: 0,
    maxWrite: 4 * LOG_CHUNK_BYTES,
    contentMode: "buffer",
  });
  // in buffer mode sonic-boom takes bytes, which its types (strings only) do not say
  const writeBytes = destination.write.bind(destination) as unknown as (chunk: Buffer) => void;
  const batcher = new LineBatcher(writeBytes);
  const flushNow = () => {
    batcher.drain();
    destination.flushSync();
  };
  const timer = setInterval(() => batcher.drain(), flushEveryMs);
  timer.unref();
  process.once("exit", flushNow);
  return {
    stream: batcher,
    close() {
      clearInterval(timer);
      process.removeListener("exit", flushNow);
      flushNow();
    },
  };
}
