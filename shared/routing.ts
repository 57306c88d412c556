// The routing document (SIGNINS_ROUTING, CDK context `routing`): which severities post, and where.
// Here rather than in bot/core so that infra validates it at synth without loading the bot's core.
import * as z from 'zod';
import { SEVERITIES } from './severity';

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
export type AccountRouting = Routing['accounts'][string];

/** The first problem in a routing document, as "at <path>: <message>" (record keys included). */
export const describeRoutingError = (error: z.ZodError): string => {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const inner = issue.code === 'invalid_key' ? issue.issues[0] : undefined;
  return `at ${issue.path.join('.') || '(root)'}: ${inner?.message ?? issue.message}`;
};

export const DEFAULT_ROUTING: Routing = routingSchema.parse({});
