import { parseIdentityMap } from '../../bot/core/identity-map';
import { DEFAULT_POLICY } from '../../bot/core/response';
import type { ResponderSettings } from '../../bot/pipeline/config';
import type { BotStore, Notifier } from '../../bot/ports';
import {
  postCard,
  type ResponderTestDeps,
  responderSetup,
  useResponderWorld,
} from '../helpers/responder-setup';

const CHANNEL = 'C0SIGNINS';
const ROOT = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';
const MINUTE = 60_000;
const T0 = Date.parse('2026-11-24T09:00:00Z');
const world = useResponderWorld(T0);

const settings: ResponderSettings = {
  allowed: { users: ['U0ALICE', 'U0BOB'], groups: [] },
  oncall: 'U0ONCALL',
  identityMap: parseIdentityMap({ root: 'U0OWNER' }),
  autoAsk: 'off',
  policy: DEFAULT_POLICY,
};

const setup = (wrapStore?: (s: BotStore) => BotStore, wrapNotifier?: (n: Notifier) => Notifier) =>
  responderSetup({ ...world, settings, wrapStore, wrapNotifier });

const post = (deps: ResponderTestDeps, eventID: string) =>
  postCard(deps, world.slack, CHANNEL, ROOT, eventID);

describe('responder loop under faults', () => {
  it('posts a critical card with its buttons and timers even when the sign-in cannot be read, and escalates it', async () => {
    let failing = true;
    const { real, deps, responders, escalations } = setup(
      (s) =>
        new Proxy(s, {
          get(target, prop, recv) {
            if (prop === 'getSignIn' && failing)
              return async () => {
                throw new Error('ProvisionedThroughputExceededException (simulated)');
              };
            const v = Reflect.get(target, prop, recv);
            return typeof v === 'function' ? v.bind(target) : v;
          },
        }),
    );
    const { alertId, ts } = await post(deps, 'f-root');
    failing = false;
    expect((await real.getAlert(alertId))?.response?.state).toBe('open');
    expect(JSON.stringify(world.slack.message(CHANNEL, ts)?.blocks)).toContain('"type":"actions"');
    world.now = T0 + 16 * MINUTE;
    await responders.sweep({ deadline: world.now + 20_000 });
    world.now = T0 + 17 * MINUTE;
    await responders.sweep({ deadline: world.now + 20_000 });
    expect(escalations).toHaveLength(1);
  });

  it('ends with the latest state on the card when two clicks’ redraws land out of order', async () => {
    let delayed = false;
    const { real, deps, responders } = setup(
      undefined,
      (n) =>
        new Proxy(n, {
          get(target, prop, recv) {
            const v = Reflect.get(target, prop, recv);
            if (prop === 'update')
              return async (...args: Parameters<Notifier['update']>) => {
                if (!delayed) {
                  delayed = true;
                  await new Promise((r) => setTimeout(r, 400));
                }
                return (v as Notifier['update']).apply(target, args);
              };
            return typeof v === 'function' ? v.bind(target) : v;
          },
        }),
    );
    const { alertId, ts } = await post(deps, 'f-race');
    const req = (user: string, k: string) => ({
      alertId,
      user,
      channel: CHANNEL,
      requestKey: `${user}:${k}`,
      deadline: world.now + 2500,
    });
    const ack = responders.button('acknowledge', req('U0ALICE', 'a'));
    await new Promise((r) => setTimeout(r, 100));
    const esc = responders.button('escalate', req('U0BOB', 'b'));
    expect([await ack, await esc]).toEqual([null, null]);
    const card = JSON.stringify(world.slack.message(CHANNEL, ts)?.blocks);
    expect(card).toContain('Escalated* by <@U0BOB>');
    expect(card).toContain('Acknowledged* by <@U0ALICE>');
    const alert = await real.getAlert(alertId);
    expect(alert?.response?.drawnVersion).toBe(alert?.response?.version);
  });
});
