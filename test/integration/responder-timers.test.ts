import { parseIdentityMap } from '../../bot/core/identity-map';
import { DEFAULT_POLICY } from '../../bot/core/response';
import type { ResponderSettings } from '../../bot/pipeline/config';
import type { Responders } from '../../bot/pipeline/responders';
import type { Escalation } from '../../bot/ports';
import {
  postCard,
  type ResponderTestDeps,
  responderSetup,
  useResponderWorld,
} from '../helpers/responder-setup';

const CHANNEL = 'C0SIGNINS';
const ANAYA = 'signin/aws-docs-cloudtrail-guide/02-iam-user-success-mfa-u2f.json';
const ROOT = 'signin/aws-docs-cloudtrail-guide/06-root-success-no-mfa.json';
const MINUTE = 60_000;
const T0 = Date.parse('2026-11-24T09:00:00Z');

const world = useResponderWorld(T0);

const settings: ResponderSettings = {
  allowed: { users: ['U0ALICE'], groups: [] },
  oncall: 'U0ONCALL',
  identityMap: parseIdentityMap({ iamUsers: { anaya: 'U0ANAYA' } }),
  autoAsk: 'success',
  policy: DEFAULT_POLICY,
};

const setup = (escalate?: (e: Escalation) => Promise<void>) => {
  const { real, deps, responders, escalations } = responderSetup({ ...world, settings, escalate });
  return { store: real, deps, responders, escalations };
};

const post = (deps: ResponderTestDeps, rel: string, eventID: string) =>
  postCard(deps, world.slack, CHANNEL, rel, eventID);

const at = async (responders: Responders, minutes: number) => {
  world.now = T0 + minutes * MINUTE;
  return responders.sweep({ deadline: world.now + 20_000 });
};
const thread = (channel: string, ts: string) => world.slack.thread(channel, ts).map((m) => String(m.text));
const card = (ts: string) => JSON.stringify(world.slack.message(CHANNEL, ts)?.blocks);

describe('responder timers', () => {
  it('reminds, then escalates and pages once, when the DM stays unanswered', async () => {
    const { deps, responders, escalations } = setup();
    const { alertId, ts } = await post(deps, ANAYA, 't-unanswered');
    const dm = world.slack.messages.get('DU0ANAYA')?.[0];
    expect(dm).toBeDefined();

    await at(responders, 14);
    expect(thread(CHANNEL, ts)).toHaveLength(1); // only "Asked …"
    await at(responders, 16);
    expect(thread(CHANNEL, ts)).toContain(
      '⏰ Still waiting for <@U0ANAYA> to say whether this was them; it escalates in 14 min.',
    );
    expect(thread('DU0ANAYA', String(dm?.ts))[0]).toContain('Reminder: was this you?');

    await at(responders, 31);
    expect(escalations).toHaveLength(1);
    expect(escalations[0]?.message).toContain('ESCALATED (no answer from @U0ANAYA in 30 min)');
    expect(escalations[0]?.attributes).toEqual({ severity: 'low', kind: 'escalation', alertId });
    expect(card(ts)).toContain('Escalated* by signins');
    expect(thread(CHANNEL, ts).some((l) => l.startsWith('📟 Paged') && l.includes('<@U0ONCALL>'))).toBe(true);

    await at(responders, 45);
    await at(responders, 90);
    expect(escalations).toHaveLength(1);
  });

  it('escalates a critical alert nobody acknowledged, after one reminder, and says why nobody was asked', async () => {
    const { deps, responders, escalations } = setup();
    const { ts } = await post(deps, ROOT, 't-root');
    expect(card(ts)).toContain('Nobody was asked whether it was them');
    expect(card(ts)).toContain("Needs a responder's acknowledgement");
    await at(responders, 8);
    expect(thread(CHANNEL, ts)).toEqual([
      '⏰ This critical alert is not acknowledged yet; it escalates in 7 min. <@U0ONCALL>',
    ]);
    await at(responders, 15);
    expect(escalations).toHaveLength(1);
    expect(escalations[0]?.subject).toMatch(
      /^signins: ESCALATED CRITICAL: Root user signed in without MFA in account 111122223333/,
    );
    expect(card(ts)).toContain('not acknowledged in 15 min');
  });

  it('sends a page that failed on a later sweep, and redraws a card Slack did not update', async () => {
    let failures = 1;
    const sent: Escalation[] = [];
    const { deps, responders } = setup(async (e) => {
      if (failures-- > 0) throw new Error('SNS throttled');
      sent.push(e);
    });
    const { alertId, ts } = await post(deps, ROOT, 't-page-retry');
    await at(responders, 15);
    expect(sent).toHaveLength(0);
    expect(thread(CHANNEL, ts).some((l) => l.includes('The page could not be sent (SNS throttled)'))).toBe(
      true,
    );
    world.slack.failNext('chat.update', { status: 500 });
    await at(responders, 18);
    expect(sent).toHaveLength(1);
    expect(card(ts)).not.toContain(' · paged');
    await at(responders, 21);
    expect(card(ts)).toContain(' · paged');
    const alert = await deps.store.getAlert(alertId);
    expect(alert?.response?.drawnVersion).toBe(alert?.response?.version);
  });
});
