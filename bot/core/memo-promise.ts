// Memoises an async value (a client, a secret, a Bolt handler) for the life of an execution environment, but
// forgets a failure, so that the next call tries again instead of failing forever.
export const memoPromise = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= make().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
};
