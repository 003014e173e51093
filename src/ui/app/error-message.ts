import type { AppError } from '../../core/errors.js';
import type { MessageKey } from '../i18n/i18n.js';

/** The user-facing message for an error, by its stable code (style guide 11.4); the details stay available. */
export function errorMessageKey(error: unknown): MessageKey | null {
  const code = (error as Partial<AppError> | null)?.code;
  switch (code) {
    case 'permission':
      return 'error.permission';
    case 'not-found':
      return 'error.notFound';
    case 'throttled':
      return 'error.throttled';
    case 'graph':
      // No answer arrived (the retries of a read ran out on dropped connections): as retryable as a 429.
      return (error as { graphCode?: string }).graphCode === 'networkError' ? 'error.network' : null;
    default:
      return error instanceof TypeError ? 'error.network' : null;
  }
}
