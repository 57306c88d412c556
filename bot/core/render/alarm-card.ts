// The card for a CloudWatch alarm notification. When the sign-ins behind the alarm are already stored,
// it names them: the classic alarm mail only says "threshold crossed".
import type { AlarmNotification, ClassifiedSignIn, Severity } from '../sign-in';
import type { Block, SlackMessage, TextObject } from './blocks';
import { LIMITS, mrkdwn, plain } from './blocks';
import { outcomeLabel, SEVERITY_LABEL } from './labels';
import { clipEscaped, clipPlain, safe, slackDate } from './mrkdwn';

export interface AlarmCardContext {
  readonly severity: Severity;
  readonly accountName: string | null;
  /** Stored sign-ins that the alarm counted, newest first. */
  readonly signIns: readonly ClassifiedSignIn[];
}

const MAX_LISTED = 10;

const signInLine = (s: ClassifiedSignIn): string =>
  `• *${safe(s.principal, 150)}* ${outcomeLabel(s.outcome)}` +
  (s.sourceIp ? ` from ${safe(s.sourceIp, 100)}` : '') +
  (s.time ? ` at ${slackDate(s.time)}` : '') +
  ` (event ${safe(s.eventId, 100)})`;

const field = (label: string, value: string): TextObject =>
  mrkdwn(clipEscaped(`*${label}*\n${value}`, LIMITS.fieldText));

export const renderAlarmCard = (a: AlarmNotification, ctx: AlarmCardContext): SlackMessage => {
  const account = a.accountId
    ? ctx.accountName
      ? `${safe(ctx.accountName, 100)} (${safe(a.accountId, 64)})`
      : safe(a.accountId, 64)
    : 'unknown account';
  const region = a.region ?? a.regionDisplayName;
  const blocks: Block[] = [
    {
      type: 'header',
      text: plain(
        clipPlain(
          `${SEVERITY_LABEL[ctx.severity].split(' ')[0]} Alarm ${a.state}: ${a.alarmName}`,
          LIMITS.headerText,
        ),
      ),
    },
    {
      type: 'section',
      text: mrkdwn(
        clipEscaped(
          `${SEVERITY_LABEL[ctx.severity]} · *${safe(a.alarmName, 255)}* is now *${safe(a.state, 40)}*` +
            (a.previousState ? ` (was ${safe(a.previousState, 40)})` : '') +
            (a.reason ? `\n>${safe(a.reason, 1000)}` : '') +
            (a.description ? `\n${safe(a.description, 1000)}` : ''),
          LIMITS.sectionText,
        ),
      ),
    },
    {
      type: 'section',
      fields: [
        field('Account', account),
        field('Region', region ? safe(region, 60) : 'not recorded'),
        field('Time', a.time ? slackDate(a.time) : 'not recorded'),
        field('Metric', a.metricName ? safe(`${a.namespace ?? ''}/${a.metricName}`, 300) : 'not recorded'),
      ],
    },
  ];
  if (ctx.signIns.length > 0) {
    // Whole lines only: clipping mid-line could cut a date token or a bold pair in half.
    const heading = `*Sign-ins behind this alarm* (${ctx.signIns.length}):`;
    const budget = LIMITS.sectionText - heading.length - 40;
    const listed: string[] = [];
    let used = 0;
    for (const s of ctx.signIns.slice(0, MAX_LISTED)) {
      const line = signInLine(s);
      if (used + line.length + 1 > budget) break;
      listed.push(line);
      used += line.length + 1;
    }
    const more = ctx.signIns.length - listed.length;
    blocks.push({
      type: 'section',
      text: mrkdwn(`${heading}\n${listed.join('\n')}${more > 0 ? `\n…and ${more} more` : ''}`),
    });
  } else if (a.state === 'ALARM') {
    blocks.push({
      type: 'context',
      elements: [
        mrkdwn('No matching sign-in record has arrived yet; its card follows when CloudTrail delivers it.'),
      ],
    });
  }
  const text = clipEscaped(
    `${ctx.severity.toUpperCase()}: alarm ${safe(a.alarmName, 255)} is ${safe(a.state, 40)} in account ${account}` +
      (ctx.signIns.length > 0
        ? ` (${ctx.signIns.length} sign-in${ctx.signIns.length === 1 ? '' : 's'})`
        : ''),
    LIMITS.fallbackText,
  );
  return { text, blocks };
};
