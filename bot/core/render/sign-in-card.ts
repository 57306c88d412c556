// The Block Kit card for one sign-in. Every string that came from the record goes through safe().
import type { ClassifiedSignIn } from '../sign-in';
import type { Block, SlackMessage, TextObject } from './blocks';
import { LIMITS, mrkdwn, plain } from './blocks';
import { eventLabel, identityLabel, MFA_LABEL, outcomeLabel, SEVERITY_LABEL } from './labels';
import { clipEscaped, clipPlain, link, safe, slackDate } from './mrkdwn';
import { describeUserAgent } from './user-agent';

export interface CardContext {
  /** Configured display name of the account, when there is one. */
  readonly accountName: string | null;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const EVENT_ID = /^[A-Za-z0-9-]{1,128}$/;

/** Link to the event in CloudTrail event history, when region and id are well-formed. */
export const cloudTrailUrl = (region: string | null, eventId: string): string | null =>
  region && REGION.test(region) && EVENT_ID.test(eventId)
    ? `https://${region}.console.aws.amazon.com/cloudtrailv2/home?region=${region}#/events/${eventId}`
    : null;

const field = (label: string, value: string): TextObject =>
  mrkdwn(clipEscaped(`*${label}*\n${value}`, LIMITS.fieldText));

const accountText = (s: ClassifiedSignIn, ctx: CardContext): string => {
  if (!s.accountId) return 'unknown account';
  const id = safe(s.accountId, 64);
  return ctx.accountName ? `${safe(ctx.accountName, 100)} (${id})` : id;
};

const headline = (s: ClassifiedSignIn): string =>
  clipPlain(
    `${SEVERITY_LABEL[s.severity].split(' ')[0]} ${eventLabel(s.eventName)} ${outcomeLabel(s.outcome)}` +
      (s.identityType === 'Root' ? ' — root user' : ''),
    LIMITS.headerText,
  );

const summary = (s: ClassifiedSignIn, ctx: CardContext): string => {
  const who = `*${safe(s.principal, 200)}* (${identityLabel(s)})`;
  const what = `${safe(eventLabel(s.eventName).toLowerCase(), 100)} ${outcomeLabel(s.outcome)}`;
  const where = `account ${accountText(s, ctx)}`;
  const from = s.sourceIp ? ` from ${safe(s.sourceIp, 100)}` : '';
  const mfa = s.mfa === 'no' && s.outcome === 'success' ? ' *without MFA*' : '';
  const reason = s.failureReason ? `\n>${safe(s.failureReason, 500)}` : '';
  return `${SEVERITY_LABEL[s.severity]} · ${who}: ${what} in ${where}${from}${mfa}${reason}`;
};

export const renderSignInCard = (s: ClassifiedSignIn, ctx: CardContext): SlackMessage => {
  const fields: TextObject[] = [
    field('Who', `${safe(s.principal, 300)}\n${identityLabel(s)}`),
    field(
      'Outcome',
      s.outcome === 'failure'
        ? `Failed${s.failureReason ? `: ${safe(s.failureReason, 500)}` : ''}`
        : s.outcome === 'success'
          ? 'Succeeded'
          : 'Not recorded',
    ),
    field('MFA', MFA_LABEL[s.mfa] + (s.mfaDevice ? `\n${safe(s.mfaDevice, 300)}` : '')),
    field('Source IP', s.sourceIp ? safe(s.sourceIp, 100) : 'not recorded'),
    field('Account', accountText(s, ctx)),
    field('Region', s.region ? safe(s.region, 50) : 'not recorded'),
    field('Time', s.time ? slackDate(s.time) : 'not recorded'),
    field('Browser', safe(describeUserAgent(s.userAgent) ?? 'unknown', 200)),
  ];
  if (s.arn) fields.push(field('ARN', safe(s.arn, 1000)));
  if (s.switchFrom) fields.push(field('Switched from', safe(s.switchFrom, 1000)));

  const url = cloudTrailUrl(s.region, s.eventId);
  const context: TextObject[] = [
    mrkdwn(
      clipEscaped(
        `User agent: ${s.userAgent ? safe(s.userAgent, 1000) : 'not recorded'}`,
        LIMITS.contextText,
      ),
    ),
    mrkdwn(
      `Event ${safe(s.eventId, 200)} · ${safe(s.eventName, 100)}` +
        (url ? ` · ${link(url, 'View in CloudTrail')}` : ''),
    ),
  ];
  const blocks: Block[] = [
    { type: 'header', text: plain(headline(s)) },
    { type: 'section', text: mrkdwn(clipEscaped(summary(s, ctx), LIMITS.sectionText)) },
    { type: 'section', fields: fields.slice(0, LIMITS.fields) },
    { type: 'context', elements: context },
  ];
  const text = clipEscaped(
    `${s.severity.toUpperCase()}: ${safe(eventLabel(s.eventName), 100)} ${outcomeLabel(s.outcome)} — ` +
      `${safe(s.principal, 200)} in account ${accountText(s, ctx)}` +
      (s.sourceIp ? ` from ${safe(s.sourceIp, 100)}` : ''),
    LIMITS.fallbackText,
  );
  return { text, blocks };
};
