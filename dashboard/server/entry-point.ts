/** How the server's entry points end: a clear message and a non-zero exit code on failure. */
import { ConfigError } from "../../core/config.js";

/** An error that ends start-up with its message alone (no stack) and this exit code. */
export class StartupError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "StartupError";
  }
}

export function runEntryPoint(main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    if (error instanceof StartupError) {
      console.error(`error: ${error.message}`);
      process.exit(error.exitCode);
    }
    console.error(error);
    process.exit(1);
  });
}
