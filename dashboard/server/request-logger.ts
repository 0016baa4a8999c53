/**
 * A request's logger that makes pino's child (bound to the request id) only when the request
 * logs something besides its completed line. Fastify makes that child for every request, and
 * most requests log nothing else: their one line goes through the root logger with the request
 * id as its first field, which pino writes exactly as the child would have.
 */
import type { FastifyBaseLogger } from "fastify";
import type { Bindings, ChildLoggerOptions } from "pino";

export class LazyRequestLogger implements FastifyBaseLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  /** pino's child for this request, made on first use. */
  private get own(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }

  /**
   * The logger for a line that carries the request id itself: the root logger while no child
   * exists and the route gives the child nothing of its own (a level or serializers).
   */
  lineLogger(): { logger: FastifyBaseLogger; withId: boolean } {
    if (this.made === undefined && this.options.level === undefined && !this.options.serializers) {
      return { logger: this.parent, withId: true };
    }
    return { logger: this.own, withId: false };
  }

  get level(): string {
    return this.own.level;
  }

  set level(level: string) {
    this.own.level = level;
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.own.child(bindings, options);
  }

  // prototype methods, not per-instance closures: a request that never logs allocates none
  fatal(...args: unknown[]): void {
    Reflect.apply(this.own.fatal, this.own, args);
  }
  error(...args: unknown[]): void {
    Reflect.apply(this.own.error, this.own, args);
  }
  warn(...args: unknown[]): void {
    Reflect.apply(this.own.warn, this.own, args);
  }
  info(...args: unknown[]): void {
    Reflect.apply(this.own.info, this.own, args);
  }
  debug(...args: unknown[]): void {
    Reflect.apply(this.own.debug, this.own, args);
  }
  trace(...args: unknown[]): void {
    Reflect.apply(this.own.trace, this.own, args);
  }
  silent(...args: unknown[]): void {
    Reflect.apply(this.own.silent, this.own, args);
  }
}

/** Fastify's childLoggerFactory: a lazy logger per request. */
export function lazyRequestLoggers(
  logger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  return new LazyRequestLogger(logger, bindings, options);
}
