// Which severities are posted, and to which channel: per severity, per account, or the default.
// Lookups read own properties only: an account id comes from a record, and `constructor` or
// `__proto__` must route like any unknown account instead of reaching Object.prototype.
import type { AccountRouting, Routing } from '../../shared/routing';
import type { Severity } from './sign-in';

// Re-exported for callers that only route; the schema itself lives in shared/routing.ts.
export { DEFAULT_ROUTING, type Routing } from '../../shared/routing';

const own = <T>(table: Readonly<Partial<Record<string, T>>>, key: string): T | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

const accountRouting = (routing: Routing, accountId: string | null): AccountRouting | undefined =>
  accountId === null ? undefined : own(routing.accounts, accountId);

export type RouteDecision = { readonly post: false } | { readonly post: true; readonly channel: string };

export const routeFor = (
  routing: Routing,
  defaultChannel: string,
  sev: Severity,
  accountId: string | null,
): RouteDecision => {
  const account = accountRouting(routing, accountId);
  const posted = account?.post ?? routing.post;
  if (!posted.includes(sev)) return { post: false };
  const channel =
    (account && own(account.channels, sev)) ??
    account?.channel ??
    own(routing.channels, sev) ??
    defaultChannel;
  return { post: true, channel };
};

export const accountName = (routing: Routing, accountId: string | null): string | null =>
  accountRouting(routing, accountId)?.name ?? null;

/** Display names of the accounts that have one, by account id (for answers that list many accounts). */
export const accountNames = (routing: Routing): Record<string, string> =>
  Object.fromEntries(Object.entries(routing.accounts).flatMap(([id, a]) => (a.name ? [[id, a.name]] : [])));
