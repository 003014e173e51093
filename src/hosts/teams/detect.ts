/**
 * Is the page inside Teams? Answered at once where it cannot be (platform facts D): teams-js rejects at once only when
 * there is no parent, no opener and no native interface; a page framed by anything else waits 60 s. So: a top-level
 * window without an opener is standalone, and only a framed page (or a popup) races `app.initialize` against a short
 * timer. No teams-js import here: a standalone page never downloads it.
 */

/** The window properties the detection reads (a fake window in tests). */
export interface WindowLike {
  readonly parent: unknown;
  readonly opener: unknown;
}

/** Teams (and every other host that frames tabs) loads the page in an iframe, or a popup for authentication. */
export function mayBeInHost(win: WindowLike): boolean {
  return win.parent !== win || (win.opener !== null && win.opener !== undefined);
}

/** How long a framed page waits for a host's answer before it runs standalone. Teams answers in well under a second. */
export const HOST_HANDSHAKE_TIMEOUT_MS = 3000;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/**
 * Resolves `true` once `initialize` resolves, `false` when it rejects or does not answer within `timeoutMs`
 * (a page framed by something that is not Teams: a preview pane, an Office web page, a test harness).
 */
export function raceHandshake(initialize: () => Promise<void>, timeoutMs: number, timers: Timers): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (inHost: boolean): void => {
      if (settled) return;
      settled = true;
      timers.clearTimeout(handle);
      resolve(inHost);
    };
    const handle = timers.setTimeout(() => finish(false), timeoutMs);
    // A rejection means "no host here" (teams-js: "No Parent window found", or a host that refused): run standalone.
    initialize().then(
      () => finish(true),
      () => finish(false),
    );
  });
}
