import { describeRoutingError, routingSchema } from '../shared/routing';

/** Routing rules (README "Routing") as given to the construct: JSON text or an object. */
export type RoutingInput = string | Readonly<Record<string, unknown>>;

/** Routing the bot would refuse: thrown at synth time, so a typo fails `cdk synth`, not every invocation. */
export class RoutingError extends Error {
  override readonly name = 'RoutingError';
}

/** The routing rules as the JSON text the bot reads (SIGNINS_ROUTING), checked with the bot's own schema. */
export const routingValue = (routing: RoutingInput | undefined): string | undefined => {
  if (routing === undefined) return undefined;
  const text = typeof routing === 'string' ? routing : JSON.stringify(routing);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RoutingError(`routing must be JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = routingSchema.safeParse(json);
  if (!parsed.success) throw new RoutingError(`routing is invalid ${describeRoutingError(parsed.error)}`);
  const r = parsed.data;
  const channels = [
    ...Object.values(r.channels),
    ...Object.values(r.accounts).flatMap((a) => [a.channel, ...Object.values(a.channels)]),
  ].filter((c): c is string => c !== undefined);
  const name = channels.find((c) => !isChannelId(c));
  if (name !== undefined) throw new RoutingError(`routing: ${channelIdProblem(name)}`);
  return text;
};

/** A Slack channel ID (C… public, G… private): what conversations.history takes to find a card again. */
export const isChannelId = (channel: string): boolean => /^[CG][A-Z0-9]{6,}$/.test(channel);

export const channelIdProblem = (channel: string): string =>
  `"${channel}" is not a Slack channel ID: use the ID (C0123ABCD, at the bottom of the channel's About tab), ` +
  'which the bot needs to find a card again when Slack is slow';
