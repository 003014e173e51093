/**
 * OAuth 2.0 error answers in Microsoft Entra's shapes (#13). Sources: RFC 6749 §4.1.2.1 (authorize errors on the
 * redirect URI) and §5.2 (token endpoint: 400 + JSON `error`, `error_description`); Entra adds `error_codes`,
 * `timestamp`, `trace_id`, `correlation_id`, `error_uri` and prefixes descriptions with `AADSTSnnnn:`
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes, "Handling error codes in your
 * application"). The AADSTS numbers used here are the ones that page and Entra's error lookup list for each case.
 */
import { randomUUID } from 'node:crypto';

/** One error of the identity provider: the OAuth `error`, the AADSTS number when Entra has one, a message. */
export interface OAuthError {
  error: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type' | 'invalid_scope' | 'access_denied' | 'unsupported_response_type' | 'login_required' | 'invalid_tenant' | 'interaction_required';
  aadsts: number | null;
  message: string;
}

export const oauthError = (error: OAuthError['error'], aadsts: number | null, message: string): OAuthError => ({ error, aadsts, message });

/** `AADSTSnnnn: message` plus Entra's trace lines. */
export function describe(e: OAuthError, traceId: string, correlationId: string, timestamp: string): string {
  return `${e.aadsts === null ? '' : `AADSTS${e.aadsts}: `}${e.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`;
}

/** Entra's timestamp format, `2016-01-09 02:02:12Z`. */
export const entraTimestamp = (d = new Date()): string => `${d.toISOString().slice(0, 19).replace('T', ' ')}Z`;

/** The token endpoint's JSON error body (status 400, or 401 for a failed client authentication). */
export function tokenErrorBody(e: OAuthError, traceId: string, correlationId = randomUUID()): Record<string, unknown> {
  const timestamp = entraTimestamp();
  return {
    error: e.error,
    error_description: describe(e, traceId, correlationId, timestamp),
    error_codes: e.aadsts === null ? [] : [e.aadsts],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    ...(e.aadsts === null ? {} : { error_uri: `https://login.microsoftonline.com/error?code=${e.aadsts}` }),
  };
}
