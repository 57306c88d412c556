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
  return text;
};
