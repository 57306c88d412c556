// What the escalation topic's mail and SMS subscribers read when the bot gives up on Slack: readable on a
// phone, with the alert's own fallback text (already written for people) and what to do.
import { bruteForceWords, burstSeverity, burstWords, isBruteForce } from '../core/burst';
import { accountText } from '../core/render/card-parts';
import { mrkdwnToPlain } from '../core/render/card-text';
import { MFA_LABEL } from '../core/render/labels';
import { timeText } from '../core/render/mrkdwn';
import { neutralize, sanitizeRecord } from '../core/render/record-text';
import { nameText, whatHappened, whoOf } from '../core/render/sign-in-words';
import { describeUserAgent } from '../core/render/user-agent';
import type { ClassifiedSignIn } from '../core/sign-in';
import { type AlertRecord, type AlertResponse, BOT_ACTOR, type Escalation } from '../ports';
import type { HealthProblem } from './health-watch';

/**
 * The severity the card shows: a storm that became a brute force is at least high, though its alert was written
 * with its first failure's. Mail and SMS must not say MEDIUM under a HIGH card.
 */
const shownSeverity = (alert: AlertRecord) =>
  alert.burst ? burstSeverity(alert.severity, alert.burst) : alert.severity;

/** SNS subjects: ASCII, no line breaks, under 100 characters. */
export const subjectLine = (text: string): string =>
  text
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 99)
    .trim();

export const giveUpEscalation = (alert: AlertRecord, why: string, error: string): Escalation => ({
  subject: subjectLine(`signins: ${shownSeverity(alert).toUpperCase()} alert not delivered to Slack`),
  message: [
    `A ${shownSeverity(alert)} sign-in alert could not be posted to Slack (${why}).`,
    '',
    alert.message.text,
    '',
    `Slack channel: ${alert.channel}`,
    `Last error: ${error}`,
    `Alert id: ${alert.alertId} (first seen ${alert.createdAt}, ${alert.attempts} attempt(s))`,
    '',
    'What to do: run `signins doctor` to see why Slack refuses the bot; the card itself is above.',
  ].join('\n'),
  attributes: { severity: shownSeverity(alert), kind: 'undelivered-alert', alertId: alert.alertId },
});

/** A pipeline-health problem, for people reading mail or SMS (the health check may not reach Slack). */
export const healthEscalation = (problem: HealthProblem): Escalation => ({
  subject: subjectLine(`signins: pipeline health: ${problem.title}`),
  message: [
    problem.detail,
    '',
    `What to do: ${problem.fix}`,
    '',
    'Run `signins doctor` for every check.',
  ].join('\n'),
  attributes: { kind: 'pipeline-health', check: problem.key },
});

export interface PageFacts {
  /** The sign-in behind the alert, when it is one. */
  readonly signIn: ClassifiedSignIn | null;
  readonly accountName: string | null;
  readonly permalink: string | null;
}

/**
 * The page sent when an alert escalates: who, what, where, why, and the card's link, first line first (an SMS
 * shows little more). Record values are shown as recorded, neutralised: mail and SMS do not parse mrkdwn.
 */
export const pageEscalation = (alert: AlertRecord, response: AlertResponse, facts: PageFacts): Escalation => {
  const s = facts.signIn ? sanitizeRecord(facts.signIn) : null;
  const reason = mrkdwnToPlain(response.escalated?.reason ?? 'escalated');
  // Mail and SMS show text as it is: values are neutralised and cut, never escaped.
  const asIs = (value: string, max: number) => neutralize(value).slice(0, max);
  const who = s ? whoOf(s, asIs, 200) : null;
  const what = s
    ? `${whatHappened(s, asIs, 200)} in account ${accountText(s.accountId, facts.accountName)}`
    : mrkdwnToPlain(alert.message.text).slice(0, 300);
  const severity = shownSeverity(alert);
  const storm = alert.burst && alert.burst.count > 1 ? alert.burst : null;
  return {
    subject: subjectLine(`signins: ESCALATED ${severity.toUpperCase()}: ${what}`),
    message: [
      `ESCALATED (${reason}): ${what}`,
      '',
      ...(s
        ? [
            `Who: ${who ? `${nameText(who)}${who.identity ? ` (${who.identity})` : ''}` : s.principal.slice(0, 300)}`,
            `When: ${timeText(s.time)}`,
            `From: ${s.sourceIp ?? 'source IP not recorded'}${s.region ? `, region ${s.region}` : ''}`,
            `Browser: ${describeUserAgent(s.userAgent) ?? 'unknown'}`,
            `MFA: ${MFA_LABEL[s.mfa]}`,
          ]
        : []),
      // A storm's page is about the whole group, counted as the card last counted it.
      ...(storm
        ? [
            `Storm: ${burstWords(storm, (v) => asIs(v, 200))}${isBruteForce(storm) ? ` (${bruteForceWords(storm)})` : ''}`,
          ]
        : []),
      `Severity: ${severity}`,
      `Escalated by: ${!response.escalated || response.escalated.by === BOT_ACTOR ? 'signins (automatic)' : `Slack user ${response.escalated.by}`}`,
      ...(response.denied
        ? [
            `The person who signed in says it was NOT them${response.denied.note ? `: "${neutralize(response.denied.note.slice(0, 500))}"` : '.'}`,
          ]
        : []),
      '',
      facts.permalink
        ? `Slack card: ${facts.permalink}`
        : `Slack channel: ${alert.channel} (card ${alert.ts ?? 'not posted'})`,
      `Alert id: ${alert.alertId}`,
    ].join('\n'),
    attributes: { severity, kind: 'escalation', alertId: alert.alertId },
  };
};
