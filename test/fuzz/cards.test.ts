// Seeded fuzz of the cards on what the decoder makes of hostile records: published sign-ins, trail changes
// and SNS alarms whose strings were replaced with mentions, links, bidi overrides, lone surrogates, terminal
// escapes and text past every limit. Every card (sign-in, alarm, pipeline-health alarm, trail change, the
// "was this you?" DM, and the sign-in card in each response state with its thread lines) stays safe.
import fc from 'fast-check';
import { classifyAlarm, classifySignIn, classifyTrailChange } from '../../bot/core/classify';
import { decodeValue } from '../../bot/core/decode-input';
import type { Place } from '../../bot/core/geo';
import { renderAlarmCard } from '../../bot/core/render/alarm-card';
import type { SlackMessage } from '../../bot/core/render/blocks';
import { auditLine, composeCard, renderAskDm } from '../../bot/core/render/response-card';
import { renderSignInCard } from '../../bot/core/render/sign-in-card';
import { renderTrailChangeCard } from '../../bot/core/render/trail-change-card';
import {
  type ActorFacts,
  alertFacts,
  decide,
  initialAsk,
  initialResponse,
  type ResponderAction,
} from '../../bot/core/response';
import type { ClassifiedSignIn } from '../../bot/core/sign-in';
import { type AlertResponse, BOT_ACTOR } from '../../bot/ports';
import { HEALTH_ALARMS } from '../../shared/health-alarms';
import { cardProblems, mrkdwnProblems } from '../helpers/card-problems';
import { hostileString } from './hostile-strings';
import { hostileBatch } from './mutated-inputs';

const RUNS = 1_500;
const POSTED = new Date('2026-11-20T09:21:00Z');

const SUBJECT = 'U0ACTSUBJECT';
const subject: ActorFacts = { actor: SUBJECT, isResponder: false, isSubject: true };
const responder: ActorFacts = { actor: 'U0ACTRESPONDER', isResponder: true, isSubject: false };
const bot: ActorFacts = { actor: BOT_ACTOR, isResponder: true, isSubject: false };

/** What people and outside services add to an alert: a denial note, an SNS error, why nobody was asked. */
const story = fc.record({
  asked: fc.boolean(),
  answer: fc.constantFrom<'yes' | 'no'>('yes', 'no'),
  note: fc.option(hostileString),
  pageError: hostileString,
  notAskedReason: hostileString,
});

/** The sign-in card in each state of one alert's life, and the thread line of each change. */
const responseStates = (
  signIn: ClassifiedSignIn,
  base: SlackMessage,
  s: typeof story extends fc.Arbitrary<infer T> ? T : never,
): { cards: SlackMessage[]; lines: string[] } => {
  const alertId = `signin:${signIn.eventId}`;
  const facts = alertFacts({ kind: 'signin', severity: signIn.severity });
  const actions: [ResponderAction, ActorFacts][] = s.asked
    ? [
        [{ kind: 'asked', user: SUBJECT, dm: { channel: 'D0ACT', ts: '1700000000.000100' } }, bot],
        [{ kind: 'answer', answer: s.answer, ...(s.note === null ? {} : { note: s.note }) }, subject],
        [{ kind: 'page-claim' }, bot],
        [{ kind: 'page-failed', error: s.pageError }, bot],
        [{ kind: 'acknowledge' }, responder],
      ]
    : [
        [{ kind: 'not-asked', reason: s.notAskedReason }, bot],
        [{ kind: 'escalate', reason: 'escalated by <@U0ACTRESPONDER>' }, responder],
        [{ kind: 'acknowledge' }, responder],
      ];
  let response: AlertResponse = {
    ...initialResponse(POSTED, { user: SUBJECT }),
    ask: initialAsk(POSTED, { ask: true }),
  };
  const cards = [composeCard(base, alertId, facts, response)];
  const lines: string[] = [];
  for (const [i, [action, who]] of actions.entries()) {
    const d = decide(response, action, who, facts, new Date(POSTED.getTime() + (i + 1) * 60_000));
    if (d.kind !== 'changed') continue;
    response = d.next;
    cards.push(composeCard(base, alertId, facts, response));
    const line = d.event ? auditLine(d.event, response) : null;
    if (line) lines.push(line);
  }
  return { cards, lines };
};

const place = (sourceIp: string | null, network: string): Place =>
  sourceIp ? { kind: 'public', ip: sourceIp, geo: { country: 'JP', asn: 2501, network } } : { kind: 'none' };

it(`draws safe cards within Block Kit limits for ${RUNS} decoded hostile batches, in every card and state`, () => {
  const drawn = { signin: 0, alarm: 0, health: 0, trail: 0, state: 0, dm: 0, line: 0, escaped: 0 };
  const healthNames = Object.values(HEALTH_ALARMS).map((h) => h.name);
  fc.assert(
    fc.property(
      hostileBatch,
      hostileString,
      hostileString,
      story,
      fc.constantFrom(...healthNames),
      (batch, context, network, s, healthName) => {
        const items = decodeValue(batch);
        const signIns: ClassifiedSignIn[] = items.flatMap((item) =>
          item.kind === 'signin'
            ? [
                {
                  ...item.signIn,
                  severity: classifySignIn(item.signIn),
                  place: place(item.signIn.sourceIp, network),
                },
              ]
            : [],
        );
        const cards: SlackMessage[] = [];
        const lines: string[] = [];
        for (const [i, signIn] of signIns.entries()) {
          const base = renderSignInCard(signIn, {
            accountName: context,
            baseline: context,
            raisedBecause: [context],
            silenced: { id: context, until: '2026-11-21T09:21:00Z' },
          });
          cards.push(base);
          if (/&lt;[!@]|‹[!@]/.test(JSON.stringify(base.blocks))) drawn.escaped += 1;
          drawn.signin += 1;
          // One alert's life per batch: the states are the base card plus our own words, so one is enough.
          if (i > 0) continue;
          const life = responseStates(signIn, base, s);
          cards.push(...life.cards, renderAskDm(signIn, `signin:${signIn.eventId}`, context));
          lines.push(...life.lines);
          drawn.state += life.cards.length;
          drawn.dm += 1;
        }
        for (const item of items) {
          if (item.kind === 'alarm') {
            // The same notification under a pipeline-health alarm's name reaches that card too.
            for (const alarm of [item.alarm, { ...item.alarm, alarmName: healthName }]) {
              const card = renderAlarmCard(alarm, {
                severity: classifyAlarm(alarm),
                accountName: context,
                signIns,
              });
              cards.push(card);
              if (card.text.includes('signins pipeline')) drawn.health += 1;
            }
            drawn.alarm += 1;
          }
          if (item.kind === 'trail-change') {
            const severity = classifyTrailChange(item.change);
            cards.push(renderTrailChangeCard(item.change, { accountName: context, severity }));
            drawn.trail += 1;
          }
        }
        // One expectation per batch: each card and line is named by its index when it fails.
        const problems = [
          ...cards.flatMap((card, i) => cardProblems(card).map((p) => `card ${i}: ${p}`)),
          ...lines.flatMap((line, i) => mrkdwnProblems(line).map((p) => `thread line ${i}: ${p}`)),
        ];
        expect(problems).toEqual([]);
        drawn.line += lines.length;
      },
    ),
    { seed: 0xca4d, numRuns: RUNS },
  );
  // Enough of each card was drawn, with hostile text in it, for the property to mean something.
  expect(drawn.signin).toBeGreaterThan(RUNS);
  expect(drawn.state).toBeGreaterThan(drawn.dm * 3);
  expect(Math.min(drawn.alarm, drawn.health, drawn.trail, drawn.dm, drawn.line)).toBeGreaterThan(RUNS / 10);
  expect(drawn.escaped).toBeGreaterThan(RUNS / 2);
});
