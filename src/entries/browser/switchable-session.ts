/** A session for a host's page whose sign-in is chosen once the host answered (#13): the Excel task pane, the Teams tab. */
import type { TokenProvider } from '../../core/ports.js';
import type { AccountControl, HostUser, SignInProblem, Unsubscribe } from '../../hosts/host-bridge.js';

/** What a host is given: tokens, the account, the user. */
export type PaneSession = TokenProvider & AccountControl & { user(): HostUser | null };

/** A session whose implementation is set once Office has answered; listeners follow the switch. */
export function switchableSession(initial: PaneSession): PaneSession & { use(next: PaneSession): void } {
  let current = initial;
  const listeners = new Set<() => void>();
  let detach: Unsubscribe = () => {};
  const attach = (): void => {
    detach();
    detach = current.subscribe?.(() => listeners.forEach((l) => l())) ?? (() => {});
  };
  return {
    use(next) {
      current = next;
      attach();
      listeners.forEach((l) => l());
    },
    getToken: (r) => current.getToken(r),
    signIn: (p) => current.signIn(p),
    signOut: () => current.signOut(),
    isSignedIn: () => current.isSignedIn(),
    problem: (): SignInProblem => current.problem?.() ?? null,
    problemDetail: () => current.problemDetail?.() ?? null,
    user: () => current.user(),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

