import { useEffect, useState, type DependencyList } from 'react';

const sameDeps = (a: DependencyList, b: DependencyList): boolean => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

export type AsyncState<T> = { status: 'idle' } | { status: 'loading' } | { status: 'done'; value: T } | { status: 'failed'; error: unknown };

/**
 * Runs `load` when `deps` change and keeps only the latest answer (an older one arriving late is ignored). `load`
 * null means "nothing to load yet". Cancelling the request itself comes with the store's AbortSignal reads.
 */
export function useAsync<T>(load: (() => Promise<T>) | null, deps: DependencyList): AsyncState<T> {
  // A fresh token per change of deps (state adjusted while rendering, as React recommends over an effect): an answer
  // counts only for the token it was asked under.
  const [tracked, setTracked] = useState<{ deps: DependencyList; token: object }>(() => ({ deps, token: {} }));
  let token = tracked.token;
  if (!sameDeps(tracked.deps, deps)) {
    token = {};
    setTracked({ deps, token });
  }
  const [answer, setAnswer] = useState<{ token: object; state: AsyncState<T> } | null>(null);
  const enabled = load !== null;
  useEffect(() => {
    if (!load) return undefined;
    let current = true;
    load().then(
      (value) => current && setAnswer({ token, state: { status: 'done', value } }),
      (error: unknown) => current && setAnswer({ token, state: { status: 'failed', error } }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `token` changes exactly when the caller's deps do.
  }, [token, enabled]);
  if (!enabled) return { status: 'idle' };
  return answer?.token === token ? answer.state : { status: 'loading' };
}
