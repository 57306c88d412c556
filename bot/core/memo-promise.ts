// Memoises an async value (a client, a secret, a Bolt handler) for the life of an execution environment, but
// forgets a failure, so that the next call tries again instead of failing forever.
export type Memoised<T> = (() => Promise<T>) & {
  /** Drops the remembered value: the next call makes it again (a rotated secret, say). */
  forget(): void;
};

export const memoPromise = <T>(make: () => Promise<T>): Memoised<T> => {
  let pending: Promise<T> | undefined;
  const get = () => {
    pending ??= make().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
  return Object.assign(get, {
    forget: () => {
      pending = undefined;
    },
  });
};
