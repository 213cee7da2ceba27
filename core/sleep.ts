// The one wait in the tree. An abort ends it early: by default it resolves (a polling loop then sees
// `signal.aborted` and stops the way it chooses); with onAbort 'reject' it rejects with the signal's reason (a
// retry backoff that must not go on to the next attempt).
export function sleep(ms: number, signal?: AbortSignal, onAbort: 'resolve' | 'reject' = 'resolve'): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return onAbort === 'reject' ? reject(signal.reason) : resolve();
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }, ms);
    function aborted() {
      clearTimeout(t);
      if (onAbort === 'reject') reject(signal!.reason);
      else resolve();
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
