/**
 * Where the server's JSON log lines go when no stream is given: stdout, in batches. A
 * synchronous write per request cost about a quarter of a small answer's throughput (measured
 * side by side with LOG_LEVEL info and warn under autocannon), so lines are collected and leave
 * in chunks of 64 KB, at least every half second, and when the process exits or the server
 * closes. A hard kill (SIGKILL, out of memory) can lose the last half second of lines; Node
 * still prints a crash itself to stderr.
 *
 * The lines are collected here rather than in pino.destination's own buffer: sonic-boom
 * measures the UTF-8 length of its whole pending buffer on every write, which made each log
 * line cost in proportion to the buffer (6% of a small answer's time at 64 KB, profiled).
 */
import pino from "pino";

/** The size of one write to stdout, in UTF-16 code units (JSON log lines are mostly ASCII). */
const LOG_CHUNK_CHARS = 64 * 1024;

export interface BufferedLog {
  stream: { write(line: string): void };
  /** writes what is collected, synchronously; call once, when the server closes */
  close(): void;
}

/** Collects lines and hands them to `sink` in chunks of at least `chunkChars`. */
export class LineBatcher {
  private lines: string[] = [];
  private chars = 0;

  constructor(
    private readonly sink: (chunk: string) => void,
    private readonly chunkChars = LOG_CHUNK_CHARS,
  ) {}

  write(line: string): void {
    this.lines.push(line);
    this.chars += line.length;
    if (this.chars >= this.chunkChars) this.drain();
  }

  /** hands over whatever is collected */
  drain(): void {
    if (this.lines.length === 0) return;
    const chunk = this.lines.join("");
    this.lines = [];
    this.chars = 0;
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
    maxWrite: 4 * LOG_CHUNK_CHARS,
  });
  const batcher = new LineBatcher((chunk) => destination.write(chunk));
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
