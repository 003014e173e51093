/** Graph-shaped errors raised by the emulator's handlers and rendered by the HTTP layer (#3). */

/** A failure a handler reports to the client with Graph's status, code and message. */
export class GraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'GraphHttpError';
  }
}

/** 400 invalidRequest. */
export const badRequest = (message: string): GraphHttpError => new GraphHttpError(400, 'invalidRequest', message);
/** 404 itemNotFound. */
export const notFound = (message: string): GraphHttpError => new GraphHttpError(404, 'itemNotFound', message);
/** 403 accessDenied. */
export const accessDenied = (message = 'Access denied. You do not have permission to perform this action or access this resource.'): GraphHttpError =>
  new GraphHttpError(403, 'accessDenied', message);

/** Graph's error body: `{ error: { code, message, innerError: { date, request-id, client-request-id } } }`. */
export function errorBody(code: string, message: string, requestId: string, clientRequestId: string | undefined): unknown {
  return {
    error: {
      code,
      message,
      innerError: {
        date: new Date().toISOString().slice(0, 19),
        'request-id': requestId,
        'client-request-id': clientRequestId ?? requestId,
      },
    },
  };
}
