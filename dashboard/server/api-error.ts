/** An error the API answers with a given status and `{error, message}` body. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export function notReady(reason: string | null): ApiError {
  return new ApiError(503, "not-ready", reason ?? "the model bundle is not loaded yet");
}
