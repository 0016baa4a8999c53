/**
 * Where the server's JSON log lines go when no stream is given: stdout, buffered. A synchronous
 * write per request cost about a quarter of a small answer's throughput (measured side by side
 * with LOG_LEVEL info and warn under autocannon), so lines leave in batches of 4 KB and at
 * least every half second, and whatever is left is flushed when the server closes. A hard crash
 * can lose the last half second of request lines; Node still prints the crash itself to stderr.
 */
import pino from "pino";

export interface BufferedLog {
  stream: pino.DestinationStream;
  /** writes what is buffered, synchronously; call once, when the server closes */
  close(): void;
}

export function bufferedStdout(flushEveryMs = 500): BufferedLog {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  const timer = setInterval(() => destination.flush(), flushEveryMs);
  timer.unref();
  return {
    stream: destination,
    close() {
      clearInterval(timer);
      destination.flushSync();
    },
  };
}
