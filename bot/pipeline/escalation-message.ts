// What the escalation topic's mail and SMS subscribers read when the bot gives up on Slack: readable on a
// phone, with the alert's own fallback text (already written for people) and what to do.
import type { AlertRecord, Escalation } from '../ports';
import type { HealthProblem } from './health-watch';

/** SNS subjects: ASCII, no line breaks, under 100 characters. */
export const subjectLine = (text: string): string =>
  text
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 99)
    .trim();

export const giveUpEscalation = (alert: AlertRecord, why: string, error: string): Escalation => ({
  subject: subjectLine(`signins: ${alert.severity.toUpperCase()} alert not delivered to Slack`),
  message: [
    `A ${alert.severity} sign-in alert could not be posted to Slack (${why}).`,
    '',
    alert.message.text,
    '',
    `Slack channel: ${alert.channel}`,
    `Last error: ${error}`,
    `Alert id: ${alert.alertId} (first seen ${alert.createdAt}, ${alert.attempts} attempt(s))`,
    '',
    'What to do: run `signins doctor` to see why Slack refuses the bot; the card itself is above.',
  ].join('\n'),
  attributes: { severity: alert.severity, kind: 'undelivered-alert', alertId: alert.alertId },
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
