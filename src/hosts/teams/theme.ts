import type { HostTheme } from '../host-bridge.js';

/**
 * Teams theme names (`app.getContext().app.theme`, the theme-change handler) → our theme kinds. Teams sends
 * `default`, `dark` and `contrast`; newer hosts may send others (`glass`), which read as light until mapped.
 */
export function fromTeamsTheme(theme: string | undefined): HostTheme {
  switch (theme) {
    case 'dark':
      return 'dark';
    case 'contrast':
      return 'contrast';
    default:
      return 'light';
  }
}
