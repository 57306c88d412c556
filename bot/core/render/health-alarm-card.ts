// The card for a pipeline-health alarm (shared/health-alarms.ts): the bot watching itself. It says in
// words what broke and what to do, because whoever reads it may not know the pipeline.
import type { HealthAlarmDefinition } from '../../../shared/health-alarms';
import { assertNever } from '../assert-never';
import type { AlarmNotification, Severity } from '../sign-in';
import { knownAlarmState } from '../sign-in';
import type { Block, SlackMessage } from './blocks';
import { LIMITS, mrkdwn, plain } from './blocks';
import { accountText, alarmFactFields, field } from './card-parts';
import { clip } from './clip';
import { clipEscaped, clipPlain, escapeMrkdwn, safe } from './mrkdwn';

export interface HealthCardContext {
  readonly severity: Severity;
  readonly accountName: string | null;
}

const headline = (a: AlarmNotification, health: HealthAlarmDefinition): string => {
  const state = knownAlarmState(a.state);
  if (state === null) return `❔ signins pipeline (${clipPlain(a.state, 40)}): ${health.meaning}`;
  switch (state) {
    case 'ALARM':
      return `🚨 signins pipeline: ${health.meaning}`;
    case 'OK':
      return `✅ signins pipeline recovered: ${health.meaning}`;
    case 'INSUFFICIENT_DATA':
      return `⚠️ signins pipeline check has no data: ${health.meaning}`;
    default:
      return assertNever(state);
  }
};

/** Our own words (the definition's), in mrkdwn so that commands in backticks show as code. */
const guidance = (a: AlarmNotification, health: HealthAlarmDefinition): string =>
  a.state === 'OK'
    ? `*Recovered.* This check fires when: ${escapeMrkdwn(health.meaning)}`
    : `*What it means:* ${escapeMrkdwn(health.meaning)}\n*What to do:* ${escapeMrkdwn(health.action)}`;

const fallback = (a: AlarmNotification, health: HealthAlarmDefinition, ctx: HealthCardContext): string =>
  clipEscaped(
    `${ctx.severity.toUpperCase()}: ${escapeMrkdwn(headline(a, health).replace(/^\S+ /, ''))} ` +
      `(alarm ${safe(a.alarmName, 255)} is ${safe(a.state, 40)} in account ` +
      `${escapeMrkdwn(accountText(a.accountId, ctx.accountName))})`,
    LIMITS.fallbackText,
  );

export const renderHealthAlarmCard = (
  a: AlarmNotification,
  health: HealthAlarmDefinition,
  ctx: HealthCardContext,
): SlackMessage => {
  const blocks: Block[] = [
    { type: 'header', text: plain(clip(headline(a, health), LIMITS.headerText)) },
    { type: 'section', text: mrkdwn(clipEscaped(guidance(a, health), LIMITS.sectionText)) },
  ];
  if (a.reason)
    blocks.push({
      type: 'section',
      text: plain(clip(`Alarm reason: ${clipPlain(a.reason, 1000)}`, LIMITS.sectionText)),
    });
  blocks.push({
    type: 'section',
    fields: [field('Alarm', clipPlain(a.alarmName, 255)), ...alarmFactFields(a, ctx.accountName)],
  });
  return { text: fallback(a, health, ctx), blocks };
};
