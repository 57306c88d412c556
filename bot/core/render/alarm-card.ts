// The card for a CloudWatch alarm notification. A pipeline-health alarm gets its own card (what broke,
// what to do); a sign-in alarm names the stored sign-ins behind it, which the alarm mail never does.
import { findHealthAlarm } from '../../../shared/health-alarms';
import type { AlarmNotification, ClassifiedSignIn, Severity } from '../sign-in';
import type { Block, SlackMessage } from './blocks';
import { LIMITS, mrkdwn, plain } from './blocks';
import { accountText, alarmFactFields, atTime, field } from './card-parts';
import { clip } from './clip';
import { renderHealthAlarmCard } from './health-alarm-card';
import { outcomeLabel, SEVERITY_EMOJI, SEVERITY_LABEL } from './labels';
import { clipEscaped, clipPlain, escapeMrkdwn, safe, slackDate } from './mrkdwn';
import { sanitizeRecord } from './record-text';

export interface AlarmCardContext {
  readonly severity: Severity;
  readonly accountName: string | null;
  /** Stored sign-ins that the alarm counted, newest first. */
  readonly signIns: readonly ClassifiedSignIn[];
  /** A silence that switched this alarm's actions (mail, SMS) off, and until when. */
  readonly actionsSilenced?: { readonly silenceId: string; readonly until: string } | null;
}

const MAX_LISTED = 10;

const headline = (a: AlarmNotification, severity: Severity): string =>
  clip(
    `${SEVERITY_EMOJI[severity]} Alarm ${clipPlain(a.state, 40)}: ${clipPlain(a.alarmName, 255)}`,
    LIMITS.headerText,
  );

const stateSummary = (a: AlarmNotification, severity: Severity): string =>
  clip(
    `${SEVERITY_LABEL[severity]} · ${clipPlain(a.alarmName, 255)} is now ${clipPlain(a.state, 40)}` +
      (a.previousState ? ` (was ${clipPlain(a.previousState, 40)})` : '') +
      (a.reason ? `\nReason: ${clipPlain(a.reason, 1000)}` : '') +
      (a.description ? `\n${clipPlain(a.description, 1000)}` : ''),
    LIMITS.sectionText,
  );

const metricText = (a: AlarmNotification): string =>
  a.metricName ? clipPlain(`${a.namespace ?? ''}/${a.metricName}`, 300) : 'not recorded';

const signInLine = (s: ClassifiedSignIn): string =>
  `• ${clipPlain(s.principal, 150)} ${outcomeLabel(s.outcome)}` +
  (s.sourceIp ? ` from ${clipPlain(s.sourceIp, 100)}` : '') +
  atTime(s.time) +
  ` (event ${clipPlain(s.eventId, 100)})`;

/** Whole lines only, as many as fit: a list clipped mid-line would misname a sign-in. */
const signInList = (signIns: readonly ClassifiedSignIn[]): Block => {
  const heading = `Sign-ins behind this alarm (${signIns.length}):`;
  const budget = LIMITS.sectionText - heading.length - 40;
  const listed: string[] = [];
  let used = 0;
  for (const s of signIns.slice(0, MAX_LISTED)) {
    const line = signInLine(sanitizeRecord(s));
    if (used + line.length + 1 > budget) break;
    listed.push(line);
    used += line.length + 1;
  }
  const more = signIns.length - listed.length;
  return {
    type: 'section',
    text: plain([heading, ...listed, ...(more > 0 ? [`…and ${more} more`] : [])].join('\n')),
  };
};

const NOT_ARRIVED: Block = {
  type: 'context',
  elements: [
    plain('No matching sign-in record has arrived yet; its card follows when CloudTrail delivers it.'),
  ],
};

const fallback = (a: AlarmNotification, ctx: AlarmCardContext): string => {
  const n = ctx.signIns.length;
  return clipEscaped(
    `${ctx.severity.toUpperCase()}: alarm ${safe(a.alarmName, 255)} is ${safe(a.state, 40)} in account ` +
      escapeMrkdwn(accountText(a.accountId, ctx.accountName)) +
      (n > 0 ? ` (${n} sign-in${n === 1 ? '' : 's'})` : ''),
    LIMITS.fallbackText,
  );
};

const SILENCE_ID = /^s-[0-9a-z]{1,32}$/;

/** Mail and SMS stay quiet while a silence lasts: whoever reads the card must not wait for them. */
const actionsOff = (silenced: { readonly silenceId: string; readonly until: string }): Block => {
  const id = SILENCE_ID.test(silenced.silenceId) ? silenced.silenceId : clipPlain(silenced.silenceId, 40);
  return {
    type: 'context',
    elements: [
      mrkdwn(
        `🔕 Alarm actions (mail, SMS) are off until ${slackDate(silenced.until)} (silence ${escapeMrkdwn(id)})`,
      ),
    ],
  };
};

/** One of the four sign-in alarms, or any other alarm routed to the bot. */
const renderSignInAlarmCard = (a: AlarmNotification, ctx: AlarmCardContext): SlackMessage => {
  const blocks: Block[] = [
    { type: 'header', text: plain(headline(a, ctx.severity)) },
    { type: 'section', text: plain(stateSummary(a, ctx.severity)) },
    { type: 'section', fields: [...alarmFactFields(a, ctx.accountName), field('Metric', metricText(a))] },
  ];
  if (ctx.actionsSilenced) blocks.push(actionsOff(ctx.actionsSilenced));
  if (ctx.signIns.length > 0) blocks.push(signInList(ctx.signIns));
  else if (a.state === 'ALARM') blocks.push(NOT_ARRIVED);
  return { text: fallback(a, ctx), blocks };
};

export const renderAlarmCard = (alarm: AlarmNotification, context: AlarmCardContext): SlackMessage => {
  const a = sanitizeRecord(alarm);
  const ctx = sanitizeRecord(context);
  const health = findHealthAlarm(a.alarmName);
  return health ? renderHealthAlarmCard(a, health, ctx) : renderSignInAlarmCard(a, ctx);
};
