import { useEffect, useState, type DependencyList } from 'react';

export type AsyncState<T> = { status: 'idle' } | { status: 'loading' } | { status: 'done'; value: T } | { status: 'failed'; error: unknown };

/**
 * Runs `load` when `deps` change and keeps only the latest answer (an older one arriving late is ignored). `load`
 * returning null means "nothing to load yet". Cancelling the request itself comes with the store's AbortSignal reads.
 */
export function useAsync<T>(load: () => Promise<T> | null, deps: DependencyList): AsyncState<T> {
  const [state, setState] = useState<AsyncState<T>>({ status: 'idle' });
  useEffect(() => {
    let current = true;
    const p = load();
    if (p === null) {
      setState({ status: 'idle' });
      return undefined;
    }
    setState({ status: 'loading' });
    p.then(
      (value) => current && setState({ status: 'done', value }),
      (error: unknown) => current && setState({ status: 'failed', error }),
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller names what `load` depends on, as with useEffect.
  }, deps);
  return state;
}
