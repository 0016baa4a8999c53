/**
 * Where the server's JSON log lines go when no stream is given: stdout through pino's own
 * asynchronous destination (sonic-boom), which writes lines as they come and gathers those that
 * arrive while a write is in flight, so a request never waits for its log line. What is still
 * pending is written synchronously when the server closes and when the process exits, so a
 * crash handled by process.exit loses no line; a hard kill (SIGKILL) can lose the last few.
 */
import pino from "pino";

interface StdoutLog {
  stream: { write(line: string): void };
  /** writes what is pending, synchronously; call once, when the server closes */
  close(): void;
}

export function stdoutLog(): StdoutLog {
  const destination = pino.destination({ dest: 1, sync: false });
  const flush = () => destination.flushSync();
  process.once("exit", flush);
  return {
    stream: destination,
    close() {
      process.removeListener("exit", flush);
      flush();
    },
  };
}
