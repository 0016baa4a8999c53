/**
 * One JSON log line per answered request, with its id, method, URL, status and time, instead of
 * Fastify's two (incoming, then completed without the URL): at thousands of requests per second
 * the second line cost a tenth of a small answer's time. Fastify's other log lines are kept.
 */
import { LogController, type FastifyReply, type FastifyRequest } from "fastify";

export class OneLineRequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const logger = reply.log; // Fastify's child logger: it writes the request id itself
    const line = {
      method: request.method,
      url: request.url.slice(0, 500),
      statusCode: reply.statusCode,
      responseTime: Math.round(reply.elapsedTime * 100) / 100,
      remoteAddress: request.ip,
    };
    if (error) logger.error({ ...line, err: error }, "request errored");
    else logger.info(line, "request completed");
  }
}
