// The card for a trail or log pipeline change (StopLogging, DeleteTrail, DeleteLogGroup, …): who did
// what to which trail, from where, what it means and what to do. Record values go in plain_text,
// neutralised and clipped, like the sign-in card.
import { HEALTH_ALARMS } from '../../../shared/health-alarms';
import { assertNever } from '../assert-never';
import type { Severity } from '../sign-in';
import {
  CLOUDTRAIL_EVENT_SOURCE,
  describeTarget,
  LOGS_EVENT_SOURCE,
  type TrailChange,
  type TrailChangeEvent,
} from '../trail-change';
import type { Block, SlackMessage, TextObject } from './blocks';
import { LIMITS, mrkdwn, plain } from './blocks';
import { accountText, atTime, field, timeField } from './card-parts';
import { clip } from './clip';
import { identityLabel, SEVERITY_EMOJI, SEVERITY_LABEL } from './labels';
import { clipEscaped, clipPlain, escapeMrkdwn, link, safe } from './mrkdwn';
import { sanitizeRecord } from './record-text';
import { cloudTrailUrl } from './sign-in-card';
import { describeUserAgent } from './user-agent';

export interface TrailChangeCardContext {
  /** Configured display name of the account, when there is one. */
  readonly accountName: string | null;
  readonly severity: Severity;
}

/** What happened, and what was attempted when it was refused. */
const WORDING: Record<TrailChangeEvent, { readonly done: string; readonly attempt: string }> = {
  StopLogging: { done: 'CloudTrail logging stopped', attempt: 'stop CloudTrail logging' },
  DeleteTrail: { done: 'Trail deleted', attempt: 'delete a trail' },
  UpdateTrail: { done: 'Trail changed', attempt: 'change a trail' },
  PutEventSelectors: { done: 'Trail event selectors changed', attempt: "change a trail's event selectors" },
  DeleteLogGroup: { done: 'Log group deleted', attempt: 'delete a log group' },
  DeleteSubscriptionFilter: { done: 'Subscription filter deleted', attempt: 'delete a subscription filter' },
  PutSubscriptionFilter: { done: 'Subscription filter changed', attempt: 'change a subscription filter' },
  DeleteMetricFilter: { done: 'Metric filter deleted', attempt: 'delete a metric filter' },
};

const meaningOf = (change: TrailChange) => {
  switch (change.eventSource) {
    case CLOUDTRAIL_EVENT_SOURCE:
      return HEALTH_ALARMS.trailTampering;
    case LOGS_EVENT_SOURCE:
      return HEALTH_ALARMS.logPipelineTampering;
    default:
      return assertNever(change.eventSource);
  }
};

/** "CloudTrail logging stopped", "Attempt to delete a trail denied", … (ours, not record text). */
const whatHappened = (change: TrailChange): string => {
  const wording = WORDING[change.eventName];
  switch (change.outcome) {
    case 'changed':
      return wording.done;
    case 'denied':
      return `Attempt to ${wording.attempt} denied`;
    case 'failed':
      return `Attempt to ${wording.attempt} failed`;
    default:
      return assertNever(change.outcome);
  }
};

const outcomeText = (change: TrailChange): string => {
  const code = change.errorCode ? clipPlain(change.errorCode, 200) : null;
  const reason = change.errorMessage ? `\n${clipPlain(change.errorMessage, 500)}` : '';
  switch (change.outcome) {
    case 'changed':
      return 'Done: the change took effect';
    case 'denied':
      return `Attempt denied${code ? ` (${code})` : ''}${reason}`;
    case 'failed':
      return `Attempt failed${code ? ` (${code})` : ''}${reason}`;
    default:
      return assertNever(change.outcome);
  }
};

const whoText = (change: TrailChange): string =>
  `${clipPlain(change.who.principal, 200)} (${identityLabel({ ...change.who, eventName: change.eventName })})`;

const targetText = (change: TrailChange): string => {
  const target = describeTarget(change.target);
  return target ? clipPlain(target, 1000) : 'not recorded';
};

const fields = (change: TrailChange, ctx: TrailChangeCardContext): TextObject[] => {
  const list = [
    field('Who', whoText(change), ...(change.who.arn ? [clipPlain(change.who.arn, 1000)] : [])),
    field('Target', targetText(change)),
    field('Outcome', outcomeText(change)),
    field('Source IP', change.sourceIp ? clipPlain(change.sourceIp, 100) : 'not recorded'),
    field('Account', accountText(change.accountId, ctx.accountName)),
    field('Region', change.region ? clipPlain(change.region, 50) : 'not recorded'),
    timeField(change.time),
    field('Tool', clipPlain(describeUserAgent(change.userAgent) ?? 'unknown', 200)),
  ];
  return list.slice(0, LIMITS.fields);
};

const context = (change: TrailChange): TextObject[] => {
  const url = cloudTrailUrl(change.region, change.eventId);
  return [
    plain(
      clip(
        `User agent: ${change.userAgent ? clipPlain(change.userAgent, 1000) : 'not recorded'}`,
        LIMITS.contextText,
      ),
    ),
    plain(
      clip(
        `Event ${clipPlain(change.eventId, 200)} · ${change.eventName} · ${change.eventSource}`,
        LIMITS.contextText,
      ),
    ),
    ...(url ? [mrkdwn(link(url, 'View in CloudTrail'))] : []),
  ];
};

/** Record values are neutralised and capped once, here, before anything reads them. */
const sanitize = (change: TrailChange): TrailChange => ({
  ...sanitizeRecord(change),
  who: sanitizeRecord(change.who),
  target: sanitizeRecord(change.target),
});

export const renderTrailChangeCard = (
  trailChange: TrailChange,
  context_: TrailChangeCardContext,
): SlackMessage => {
  const change = sanitize(trailChange);
  const ctx = sanitizeRecord(context_);
  const what = whatHappened(change);
  const meaning = meaningOf(change);
  const summary =
    `${SEVERITY_LABEL[ctx.severity]} · ${what} by ${whoText(change)} — ${targetText(change)} ` +
    `in account ${accountText(change.accountId, ctx.accountName)}` +
    (change.sourceIp ? ` from ${clipPlain(change.sourceIp, 100)}` : '') +
    atTime(change.time);
  const blocks: Block[] = [
    { type: 'header', text: plain(clip(`${SEVERITY_EMOJI[ctx.severity]} ${what}`, LIMITS.headerText)) },
    { type: 'section', text: plain(clip(summary, LIMITS.sectionText)) },
    { type: 'section', fields: fields(change, ctx) },
    {
      type: 'section',
      text: plain(
        clip(`What it means: ${meaning.meaning}\nWhat to do: ${meaning.action}`, LIMITS.sectionText),
      ),
    },
    { type: 'context', elements: context(change) },
  ];
  const text = clipEscaped(
    `${ctx.severity.toUpperCase()}: ${escapeMrkdwn(what)} — ${safe(change.who.principal, 200)}` +
      ` in account ${escapeMrkdwn(accountText(change.accountId, ctx.accountName))}` +
      (change.sourceIp ? ` from ${safe(change.sourceIp, 100)}` : '') +
      escapeMrkdwn(atTime(change.time)),
    LIMITS.fallbackText,
  );
  return { text, blocks };
};
