// Which severities are posted, and to which channel: per severity, per account, or the default.
import { z } from 'zod';
import type { Severity } from './sign-in';
import { SEVERITIES } from './sign-in';

const severity = z.enum(SEVERITIES);
const channelsBySeverity = z.partialRecord(severity, z.string().min(1));

export const routingSchema = z.strictObject({
  /** Severities that produce a Slack message. Others are stored only. */
  post: z.array(severity).default(['critical', 'high', 'medium', 'low']),
  /** Channel per severity (overrides the default channel). */
  channels: channelsBySeverity.default({}),
  /** Per AWS account: a display name, and channels that override the global ones. */
  accounts: z
    .record(
      z.string().regex(/^\d{12}$/, 'account ids are 12 digits'),
      z.strictObject({
        name: z.string().min(1).optional(),
        channel: z.string().min(1).optional(),
        channels: channelsBySeverity.default({}),
        post: z.array(severity).optional(),
      }),
    )
    .default({}),
});

export type Routing = z.infer<typeof routingSchema>;

/** The first problem in a routing document, as "at <path>: <message>" (record keys included). */
export const describeRoutingError = (error: z.ZodError): string => {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const inner = issue.code === 'invalid_key' ? issue.issues[0] : undefined;
  return `at ${issue.path.join('.') || '(root)'}: ${inner?.message ?? issue.message}`;
};
export const DEFAULT_ROUTING: Routing = routingSchema.parse({});

export type RouteDecision = { readonly post: false } | { readonly post: true; readonly channel: string };

export const routeFor = (
  routing: Routing,
  defaultChannel: string,
  sev: Severity,
  accountId: string | null,
): RouteDecision => {
  const account = accountId ? routing.accounts[accountId] : undefined;
  const posted = account?.post ?? routing.post;
  if (!posted.includes(sev)) return { post: false };
  const channel = account?.channels[sev] ?? account?.channel ?? routing.channels[sev] ?? defaultChannel;
  return { post: true, channel };
};

export const accountName = (routing: Routing, accountId: string | null): string | null =>
  (accountId && routing.accounts[accountId]?.name) || null;
