// The Block Kit card for one sign-in: a header that says what happened ("Failed sign-in as anaya (IAM user)"),
// a summary line, the facts, and the raw record's user agent, event and CloudTrail link. Record values are
// shown in plain_text (never formatted, never linked), neutralised and clipped; mrkdwn carries only our date
// token and CloudTrail link.
import {
  type BurstCounters,
  bruteForceWords,
  burstCountWords,
  burstSeverity,
  burstWords,
  isBruteForce,
} from '../burst';
import { countryText } from '../country-places';
import type { DeliveryPath } from '../decode-input';
import { networkText, type Place } from '../geo';
import { STATE_LABEL } from '../response';
import type { ClassifiedSignIn, Severity } from '../sign-in';
import type { Block, SlackMessage, TextObject } from './blocks';
import { LIMITS, mrkdwn, plain } from './blocks';
import { accountText, atTime, field, timeField } from './card-parts';
import { clip } from './clip';
import { eventInline, MFA_LABEL, outcomeLabel, SEVERITY_EMOJI, SEVERITY_LABEL } from './labels';
import { clipEscaped, clipPlain, escapeMrkdwn, link, safe, slackDate } from './mrkdwn';
import { sanitizeRecord } from './record-text';
import { nameText, type Who, whatHappened, whoOf } from './sign-in-words';
import { describeUserAgent } from './user-agent';

export interface CardContext {
  /** Configured display name of the account, when there is one. */
  readonly accountName: string | null;
  /**
   * What the baseline knew, in plain words the caller wrote ("First sign-in from this IP for this user · seen
   * this browser 14 times since 2 Nov"); it may quote record values, so it is shown as plain_text.
   */
  readonly baseline?: string | null;
  /** What raised the severity (a first-seen country on a root sign-in, impossible travel), plain words. */
  readonly raisedBecause?: readonly string[];
  /** The silence that holds this sign-in back: only the CLI's dry run shows a card that says so. */
  readonly silenced?: { readonly id: string; readonly until: string } | null;
  /** The path that delivered the sign-in first (README "Faster: the EventBridge path"); absent: not said. */
  readonly deliveredBy?: DeliveryPath;
}

const DELIVERED_BY: Record<DeliveryPath, string> = {
  eventbridge: 'first delivered by EventBridge',
  logs: 'first delivered by CloudWatch Logs',
  sns: 'first delivered by SNS',
  file: 'read from a file',
};

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const EVENT_ID = /^[A-Za-z0-9-]{1,128}$/;

/** Link to the event in CloudTrail event history, when region and id are well-formed. */
export const cloudTrailUrl = (region: string | null, eventId: string): string | null =>
  region && REGION.test(region) && EVENT_ID.test(eventId)
    ? `https://${region}.console.aws.amazon.com/cloudtrailv2/home?region=${region}#/events/${eventId}`
    : null;

// The header leaves room for what composeCard adds (a mark and a space before, " · <state>" after), so that the
// state still shows after a long name; names and roles are cut shorter than elsewhere.
const STATE_ROOM = 3 + 3 + Math.max(...Object.values(STATE_LABEL).map((label) => label.length));
const HEADLINE_MAX = LIMITS.headerText - STATE_ROOM;
const HEADLINE_VALUE = 48;

const headline = (s: ClassifiedSignIn): string =>
  clip(`${SEVERITY_EMOJI[s.severity]} ${whatHappened(s, clipPlain, HEADLINE_VALUE)}`, HEADLINE_MAX);

/** "nicholas.hakmiller (assumed role DevAdmin via IAM Identity Center)", "Root user": one level of parentheses. */
const whoText = (who: Who): string => `${nameText(who)}${who.identity ? ` (${who.identity})` : ''}`;

/**
 * Where the address is, in words: "🇯🇵 Japan · AS2501 The University of Tokyo", "private address", or null when
 * nothing is known. The network's name is the registry's text (anyone can register one): plain text, clipped.
 */
export const placeText = (place: Place | undefined): string | null => {
  if (place === undefined || place.kind === 'none') return null;
  if (place.kind === 'special') return clipPlain(place.label, 60);
  const { country } = place.geo;
  const network = networkText(place.geo);
  const parts = [
    country ? clipPlain(countryText(country), 60) : null,
    network ? clipPlain(network, 120) : null,
  ];
  const known = parts.filter((p): p is string => p !== null);
  return known.length > 0 ? known.join(' · ') : null;
};

const summary = (s: ClassifiedSignIn, ctx: CardContext): string => {
  const who = whoText(whoOf(s, clipPlain, 200));
  const what = `${clipPlain(eventInline(s.eventName), 100)} ${outcomeLabel(s.outcome)}`;
  const account = `account ${accountText(s.accountId, ctx.accountName)}`;
  const where = placeText(s.place);
  const from = s.sourceIp ? ` from ${clipPlain(s.sourceIp, 100)}${where ? ` (${where})` : ''}` : '';
  const mfa = s.mfa === 'no' && s.outcome === 'success' ? ' without MFA' : '';
  const reason = s.failureReason ? `\nReason: ${clipPlain(s.failureReason, 500)}` : '';
  return clip(
    `${SEVERITY_LABEL[s.severity]} · ${who}: ${what} in ${account}${from}${mfa}${reason}`,
    LIMITS.sectionText,
  );
};

const outcomeText = (s: ClassifiedSignIn): string => {
  if (s.outcome === null) return 'Not recorded';
  if (s.outcome === 'success') return 'Succeeded';
  return `Failed${s.failureReason ? `: ${clipPlain(s.failureReason, 500)}` : ''}`;
};

const whoField = (who: Who): TextObject =>
  field('Who', nameText(who), ...(who.identity ? [who.identity] : []));

const sourceField = (s: ClassifiedSignIn): TextObject => {
  if (!s.sourceIp) return field('Source IP', 'not recorded');
  const where = placeText(s.place);
  return field('Source IP', clipPlain(s.sourceIp, 100), ...(where ? [where] : []));
};

const fields = (s: ClassifiedSignIn, ctx: CardContext): TextObject[] => {
  const list = [
    whoField(whoOf(s, clipPlain, 300)),
    field('Outcome', outcomeText(s)),
    field('MFA', MFA_LABEL[s.mfa], ...(s.mfaDevice ? [clipPlain(s.mfaDevice, 300)] : [])),
    sourceField(s),
    field('Account', accountText(s.accountId, ctx.accountName)),
    field('Region', s.region ? clipPlain(s.region, 50) : 'not recorded'),
    timeField(s.time),
    field('Browser', clipPlain(describeUserAgent(s.userAgent) ?? 'unknown', 200)),
  ];
  if (s.arn) list.push(field('ARN', clipPlain(s.arn, 1000)));
  if (s.switchFrom) list.push(field('Switched from', clipPlain(s.switchFrom, 1000)));
  return list.slice(0, LIMITS.fields);
};

const context = (s: ClassifiedSignIn, ctx: CardContext): TextObject[] => {
  const url = cloudTrailUrl(s.region, s.eventId);
  const via = ctx.deliveredBy ? ` · ${DELIVERED_BY[ctx.deliveredBy]}` : '';
  return [
    plain(
      clip(`User agent: ${s.userAgent ? clipPlain(s.userAgent, 1000) : 'not recorded'}`, LIMITS.contextText),
    ),
    plain(
      clip(`Event ${clipPlain(s.eventId, 200)} · ${clipPlain(s.eventName, 100)}${via}`, LIMITS.contextText),
    ),
    ...(url ? [mrkdwn(link(url, 'View in CloudTrail'))] : []),
  ];
};

const fallbackWhere = (place: Place | undefined): string => {
  const where = placeText(place);
  return where ? ` (${safe(where, 200)})` : '';
};

/** The notification text: what happened, where and when, and why it failed. Mrkdwn: record values escaped. */
const fallback = (s: ClassifiedSignIn, ctx: CardContext): string =>
  clipEscaped(
    `${s.severity.toUpperCase()}: ${whatHappened(s, safe, 200)}` +
      ` in account ${escapeMrkdwn(accountText(s.accountId, ctx.accountName))}` +
      (s.sourceIp ? ` from ${safe(s.sourceIp, 100)}${fallbackWhere(s.place)}` : '') +
      atTime(s.time) +
      (s.failureReason ? `. Reason: ${safe(s.failureReason, 500)}` : ''),
    LIMITS.fallbackText,
  );

const FIRST = /\bfirst\b/i;

/** The baseline's line: a section when something is new (worth more than the IP itself), else a quiet context. */
const baselineBlock = (words: string): Block => {
  const first = FIRST.test(words);
  const text = plain(clip(`${first ? '🆕 ' : ''}${clipPlain(words, 1000)}`, LIMITS.contextText));
  return first ? { type: 'section', text } : { type: 'context', elements: [text] };
};

/** Why the severity is what it is when something raised it: said where the eye lands, under the summary. */
const raisedBlock = (severity: ClassifiedSignIn['severity'], why: readonly string[]): Block => ({
  type: 'section',
  text: plain(
    clip(`⬆️ Raised to ${severity}: ${why.map((w) => clipPlain(w, 300)).join('; ')}`, LIMITS.sectionText),
  ),
});

const SILENCE_ID = /^s-[0-9a-z]{1,32}$/;

const silencedBlock = (silenced: { readonly id: string; readonly until: string }): Block => {
  const id = SILENCE_ID.test(silenced.id) ? silenced.id : clipPlain(silenced.id, 40);
  const until = slackDate(silenced.until);
  return {
    type: 'context',
    elements: [mrkdwn(`🔕 Held back by silence ${escapeMrkdwn(id)} until ${until}: not posted`)],
  };
};

export const renderSignInCard = (signIn: ClassifiedSignIn, ctx: CardContext): SlackMessage => {
  const s = sanitizeRecord(signIn);
  const c = sanitizeRecord(ctx);
  const blocks: Block[] = [
    { type: 'header', text: plain(headline(s)) },
    { type: 'section', text: plain(summary(s, c)) },
    ...(c.raisedBecause && c.raisedBecause.length > 0 ? [raisedBlock(s.severity, c.raisedBecause)] : []),
    ...(c.baseline ? [baselineBlock(c.baseline)] : []),
    { type: 'section', fields: fields(s, c) },
    { type: 'context', elements: context(s, c) },
    ...(c.silenced ? [silencedBlock(c.silenced)] : []),
  ];
  return { text: fallback(s, c), blocks };
};

const BURST_BLOCK = 'signins_burst';

/**
 * A storm's card: the group's first sign-in's card under a header and a line that count the whole group
 * ("🔁 1,234 failed sign-ins as alice from 203.0.113.7 · first 09:00:03 · last 09:04:58 UTC · 1 user, 1 IP"),
 * raised to high and saying so for a brute force. A group of one is the card as it was.
 */
export const withBurst = (base: SlackMessage, severity: Severity, burst: BurstCounters): SlackMessage => {
  if (burst.count <= 1) return base;
  const shown = burstSeverity(severity, burst);
  const user = burst.users[0];
  const header = clip(
    `${SEVERITY_EMOJI[shown]} 🔁 ${burstCountWords(burst)}${user ? ` as ${clipPlain(user, HEADLINE_VALUE)}` : ''}`,
    HEADLINE_MAX,
  );
  const line = `🔁 ${burstWords(burst, (v) => clipPlain(v, 200))}`;
  const raised = isBruteForce(burst) ? `\n⬆️ ${SEVERITY_LABEL[shown]}: ${bruteForceWords(burst)}` : '';
  const rollup: Block = {
    type: 'section',
    block_id: BURST_BLOCK,
    text: plain(clip(`${line}${raised}\nThe card of the first of them follows.`, LIMITS.sectionText)),
  };
  const blocks = base.blocks
    .filter((b) => b.block_id !== BURST_BLOCK)
    .flatMap((b): Block[] => (b.type === 'header' ? [{ ...b, text: plain(header) }, rollup] : [b]));
  const text = clipEscaped(
    // Our words around record values that `safe` escaped: nothing else in them is mrkdwn.
    `${shown.toUpperCase()}: ${burstWords(burst, (v) => safe(v, 200))}${isBruteForce(burst) ? ` (${bruteForceWords(burst)})` : ''}`,
    LIMITS.fallbackText,
  );
  return { text, blocks };
};
