// The answer to `/signins last 24h` (Block Kit) and to `signins query` (terminal text): totals, an hourly
// sparkline, who signed in, from where, what was new, and the latest sign-ins. Both are drawn from the same
// lines, written once for two styles (Slack mrkdwn, terminal text), so the two answers cannot drift apart.
import { assertNever } from '../assert-never';
import { countryName, countryText } from '../country-places';
import { networkText } from '../geo';
import type { ActivitySummary, CountryCount, FirstSeenFlag, NetworkCount, PrincipalActivity } from '../query';
import type { ClassifiedSignIn } from '../sign-in';
import type { Block, SlackMessage } from './blocks';
import { LIMITS, mrkdwn, plain } from './blocks';
import { clip } from './clip';
import { IDENTITY_LABEL, outcomeLabel, SEVERITY_EMOJI } from './labels';
import { clipEscaped, clipPlain, safe, TIME_UNKNOWN } from './mrkdwn';
import { neutralize } from './record-text';
import { cloudTrailUrl } from './sign-in-card';

export interface QueryAnswerContext {
  /** What was asked, in plain words ("last 24h · user alice · failed"): escaped here. */
  readonly title: string;
  readonly now: Date;
  /** Configured account names by id. */
  readonly accountNames?: Readonly<Record<string, string>>;
}

const BARS = '▁▂▃▄▅▆▇█';
const SPARK_WIDTH = 48;

/** How many buckets each mark stands for, so that `count` buckets fit in `width` marks. */
const bucketsPerMark = (count: number, width: number): number =>
  Math.max(1, Math.ceil(count / Math.max(1, Math.floor(width))));

/**
 * Counts as bars scaled to the largest: nothing is the lowest bar, anything else at least the second (one
 * sign-in among thousands still shows), the largest the full one. More counts than `width` are merged with
 * their neighbours (summed).
 */
export const sparkline = (counts: readonly number[], width = SPARK_WIDTH): string => {
  const per = bucketsPerMark(counts.length, width);
  const marks: number[] = [];
  for (let i = 0; i < counts.length; i += per) {
    let sum = 0;
    for (const c of counts.slice(i, i + per)) sum += Number.isFinite(c) && c > 0 ? c : 0;
    marks.push(sum);
  }
  const max = marks.reduce((a, b) => Math.max(a, b), 0);
  return marks
    .map((c) => (c === 0 ? BARS[0] : BARS[Math.min(7, Math.max(1, Math.ceil((c / max) * 7)))]))
    .join('');
};

const NUMBER = new Intl.NumberFormat('en-US');
export const formatCount = (n: number): string => NUMBER.format(n);
const plural = (n: number, one: string, many = `${one}s`): string =>
  `${formatCount(n)} ${n === 1 ? one : many}`;

/** Inert record values and our own formatting, for Slack or for a terminal. */
interface AnswerStyle {
  readonly value: (text: string, max: number) => string;
  /** Addresses and ids: monospace in Slack. */
  readonly code: (text: string, max: number) => string;
  readonly bold: (ours: string) => string;
  readonly date: (iso: string | null) => string;
  readonly link: (url: string, label: string) => string;
  /** Clips a whole section's text (entities kept whole in Slack). */
  readonly clip: (text: string, max: number) => string;
  /** Whether the people are a column table (terminal) or bullet lines (Slack). */
  readonly table: boolean;
}

/**
 * A record's value inside our mrkdwn: escaped (no mention, link or date token can form), and the characters
 * that would format it made look-alikes (`*bold*`, `~strike~`, a backtick, an underscore at a word's edge, an
 * emoji code). AWS names never hold them, except the underscore inside a word, which is kept.
 */
export const mrkdwnValue = (text: string, max: number): string =>
  safe(text, max)
    .replace(/\*/g, '∗')
    .replace(/~/g, '∼')
    .replace(/`/g, 'ˋ')
    .replace(/(?<![\p{L}\p{N}])_|_(?![\p{L}\p{N}])/gu, 'ˍ')
    .replace(/:(?=[\w+-]+:)/g, '∶');

const msOf = (iso: string | null): number => (iso === null ? Number.NaN : Date.parse(iso));

/** Slack's date token ("Today 09:20", localised for each reader) with the ISO time as its fallback. */
export const slackTime = (iso: string | null): string => {
  const t = msOf(iso);
  if (!Number.isFinite(t)) return TIME_UNKNOWN;
  return `<!date^${Math.floor(t / 1000)}^{date_short_pretty} {time}|${new Date(t).toISOString()}>`;
};

/** "2026-11-20 09:20 UTC": a terminal has no date token. */
export const terminalTime = (iso: string | null): string => {
  const t = msOf(iso);
  return Number.isFinite(t)
    ? `${new Date(t).toISOString().slice(0, 16).replace('T', ' ')} UTC`
    : TIME_UNKNOWN;
};

const SLACK: AnswerStyle = {
  value: mrkdwnValue,
  // Nothing formats inside a code span, so an IPv6 address keeps its colons; only a backtick could end it.
  code: (text, max) => `\`${safe(text, max).replace(/`/g, 'ˋ')}\``,
  bold: (ours) => `*${ours}*`,
  date: slackTime,
  link: (url, label) => `<${url}|${label}>`,
  clip: clipEscaped,
  table: false,
};

const terminalValue = (text: string, max: number): string =>
  clip(neutralize(text.slice(0, 2 * max + 64)), max);

const TERMINAL: AnswerStyle = {
  value: terminalValue,
  code: terminalValue,
  bold: (ours) => ours,
  date: terminalTime,
  link: (url, label) => `${label}: ${url}`,
  clip,
  table: true,
};

/**
 * A heading, then as many whole items as fit in `max` (a list cut mid-line would misname someone), then
 * "and N more" for the `total - shown` left out.
 */
const fitList = (
  st: AnswerStyle,
  heading: string,
  items: readonly string[],
  total: number,
  max: number,
): string => {
  const reserve = 40;
  const lines = [heading];
  let used = heading.length;
  for (const item of items) {
    if (used + 1 + item.length > max - reserve) break;
    lines.push(item);
    used += 1 + item.length;
  }
  const more = total - (lines.length - 1);
  if (more > 0) lines.push(`and ${formatCount(more)} more`);
  return st.clip(lines.join('\n'), max);
};

const PEOPLE_ROWS = 10;
const IP_ROWS = 5;
const FIRST_SEEN_ROWS = 10;
const LATEST_ROWS = 5;

/** "🇯🇵 Japan"; a code that is none is shown as recorded, inert. */
const countryWords = (code: string, st: AnswerStyle): string =>
  st.value(countryName(code) === null ? code : countryText(code), 60);

/** "🇯🇵 Japan ×8", "private address ×2". */
const countryCountWords = (c: CountryCount, st: AnswerStyle): string =>
  `${c.country === null ? (c.label ?? 'unknown country') : countryWords(c.country, st)} ×${formatCount(c.count)}`;

/** "AS15169 Google LLC ×4": the organisation's name comes from registry data, so it is shown inert. */
const networkCountWords = (n: NetworkCount, st: AnswerStyle): string =>
  `${st.value(networkText({ country: null, asn: n.asn, network: n.name }) ?? `AS${n.asn}`, 80)} ×${formatCount(n.count)}`;

/** "+2 more" when a list shows fewer than there were. */
const moreWords = (shown: number, distinct: number | undefined): string[] =>
  (distinct ?? 0) > shown ? [`+${formatCount((distinct ?? 0) - shown)} more`] : [];

/** A person's countries, then their networks, most used first: null when the answer has no geo data. */
const whereFromLine = (p: PrincipalActivity, st: AnswerStyle): string | null => {
  if (p.countries === undefined || p.countries.length === 0) return null;
  const countries = [
    ...p.countries.map((c) => countryCountWords(c, st)),
    ...moreWords(p.countries.length, p.distinctCountries),
  ];
  const networks = [
    ...(p.networks ?? []).map((n) => networkCountWords(n, st)),
    ...moreWords(p.networks?.length ?? 0, p.distinctNetworks),
  ];
  return (
    `• ${st.bold(st.value(p.principal, 60))} — ${countries.join(' · ')}` +
    (networks.length > 0 ? ` — networks ${networks.join(' · ')}` : '')
  );
};

const accountWords = (accountId: string | null, ctx: QueryAnswerContext, st: AnswerStyle): string | null => {
  if (!accountId) return null;
  const name =
    ctx.accountNames && Object.hasOwn(ctx.accountNames, accountId) ? ctx.accountNames[accountId] : null;
  return name ? st.value(name, 40) : st.code(accountId, 20);
};

const ipsWords = (p: PrincipalActivity, st: AnswerStyle): string => {
  const first = p.sourceIps[0];
  if (!first) return 'no source IP';
  const others = Math.max(p.distinctIps, p.sourceIps.length) - 1;
  return `${st.code(first.ip, 45)}${others > 0 ? ` +${formatCount(others)} more` : ''}`;
};

const personLine = (p: PrincipalActivity, ctx: QueryAnswerContext, st: AnswerStyle): string => {
  const account = accountWords(p.accountId, ctx, st);
  return (
    `• ${st.bold(st.value(p.principal, 60))} · ${IDENTITY_LABEL[p.identityType] ?? 'unknown'}` +
    (account ? ` · ${account}` : '') +
    ` — ${plural(p.signIns, 'sign-in')}${p.failures > 0 ? ` · ${formatCount(p.failures)} failed` : ''}` +
    ` · last ${st.date(p.lastSeen)} · ${ipsWords(p, st)}` +
    (p.noMfa > 0 ? ` · ⚠️ ${formatCount(p.noMfa)} without MFA` : '')
  );
};

/** The terminal's people table: columns padded to the widest cell. */
const peopleTable = (
  people: readonly PrincipalActivity[],
  ctx: QueryAnswerContext,
  st: AnswerStyle,
): { header: string; rows: string[] } => {
  const header = ['USER', 'TYPE', 'ACCOUNT', 'SIGN-INS', 'FAILED', 'NO MFA', 'LAST SEEN', 'SOURCE IPS'];
  const rows = people.map((p) => [
    st.value(p.principal, 32),
    IDENTITY_LABEL[p.identityType] ?? 'unknown',
    accountWords(p.accountId, ctx, st) ?? '-',
    formatCount(p.signIns),
    formatCount(p.failures),
    formatCount(p.noMfa),
    st.date(p.lastSeen),
    ipsWords(p, st),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = new Set([3, 4, 5]);
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return { header: line(header), rows: rows.map(line) };
};

const FIRST_SEEN_WORDS: Record<FirstSeenFlag['what'], string> = {
  ip: 'first sign-in from',
  network: 'first sign-in from address block',
  country: 'new country',
  asn: 'new network',
  browser: 'first sign-in with',
  region: 'first sign-in in region',
};

/** The flag's value in the reader's words: a country with its flag, an AS with its organisation. */
const flagValue = (f: FirstSeenFlag, st: AnswerStyle): string => {
  switch (f.what) {
    case 'ip':
    case 'network':
      return st.code(f.value, 45);
    case 'country':
      return countryWords(f.value, st);
    case 'asn': {
      const asn = Number(f.value);
      return Number.isSafeInteger(asn)
        ? st.value(networkText({ country: null, asn, network: f.name ?? null }) ?? f.value, 80)
        : st.value(f.value, 60);
    }
    case 'browser':
    case 'region':
      return st.value(f.value, 60);
    default:
      return assertNever(f.what);
  }
};

const firstSeenLine = (f: FirstSeenFlag, st: AnswerStyle): string =>
  `🆕 ${FIRST_SEEN_WORDS[f.what]} ${flagValue(f, st)} for ${st.bold(st.value(f.principal, 60))} · ${st.date(f.time)}`;

const latestLine = (s: ClassifiedSignIn, ctx: QueryAnswerContext, st: AnswerStyle): string => {
  const account = accountWords(s.accountId, ctx, st);
  const url = cloudTrailUrl(s.region, s.eventId);
  return (
    `• ${SEVERITY_EMOJI[s.severity]} ${st.date(s.time)} · ${st.bold(st.value(s.principal, 60))} ${outcomeLabel(s.outcome)}` +
    (s.sourceIp ? ` from ${st.code(s.sourceIp, 45)}` : '') +
    (account ? ` · ${account}` : '') +
    (url ? ` · ${st.link(url, 'CloudTrail')}` : '')
  );
};

/** "900 IAM user · 12 root user": identity types, most frequent first (an unknown one as recorded, inert). */
const identityWords = (byType: ActivitySummary['byIdentityType'], st: AnswerStyle): string =>
  Object.entries(byType)
    .filter(([, n]) => (n ?? 0) > 0)
    .sort(([, a], [, b]) => (b ?? 0) - (a ?? 0))
    .map(([type, n]) => {
      const label = Object.hasOwn(IDENTITY_LABEL, type)
        ? IDENTITY_LABEL[type as keyof typeof IDENTITY_LABEL]
        : st.value(type, 40);
      return `${formatCount(n ?? 0)} ${label}`;
    })
    .join(' · ');

const totalsLines = (s: ActivitySummary, st: AnswerStyle): string[] => {
  const { success, failure, other } = s.byOutcome;
  const lines = [
    `${st.bold(plural(s.total, 'sign-in'))} · ${formatCount(success)} succeeded · ${formatCount(failure)} failed` +
      (other > 0 ? ` · ${formatCount(other)} other` : ''),
  ];
  const types = identityWords(s.byIdentityType, st);
  if (types) lines.push(`By identity: ${types}`);
  if (s.noMfa > 0) lines.push(`⚠️ ${plural(s.noMfa, 'successful sign-in')} without MFA`);
  if (s.silenced > 0)
    lines.push(`🔕 ${formatCount(s.silenced)} held back by silences (counted here, not posted)`);
  return lines;
};

const UNITS = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
] as const;

/** "hour", "day", "2 days", "45 hours": exact, since a reader compares the bars with the clock. */
const markWords = (markMs: number): string => {
  const [size, unit] = UNITS.find(([size]) => markMs % size === 0) ?? [1_000, 'second'];
  const n = Math.round(markMs / size);
  return n === 1 ? unit : `${formatCount(n)} ${unit}s`;
};

/** The sparkline's lines: what a mark stands for, the bars, and the time they span. */
const activityLines = (s: ActivitySummary, st: AnswerStyle): string[] => {
  if (s.buckets.length === 0) return [];
  const per = bucketsPerMark(s.buckets.length, SPARK_WIDTH);
  const markMs = per * s.bucketMs;
  const unit = markWords(markMs);
  const peak = s.buckets.reduce((a, b) => Math.max(a, b.count), 0);
  const bars = sparkline(s.buckets.map((b) => b.count));
  return [
    `Sign-ins per ${unit} (peak ${formatCount(peak)})`,
    st.table ? bars : `\`${bars}\``,
    `${st.date(s.buckets[0]?.start ?? s.from)} → ${st.date(s.to)}`,
  ];
};

/** The answer's sections, each a block's worth of lines (within a section's 3,000 characters). */
const answerSections = (s: ActivitySummary, ctx: QueryAnswerContext, st: AnswerStyle): string[] => {
  const max = LIMITS.sectionText;
  const out: string[] = [];
  if (s.partial) out.push(`⚠️ ${st.bold('This answer may be incomplete:')} ${st.value(s.partial, 1000)}`);
  if (s.total === 0) {
    out.push(`Nothing signed in between ${st.date(s.from)} and ${st.date(s.to)}.`);
    if (s.silenced > 0) out.push(totalsLines(s, st).join('\n'));
    return out;
  }
  out.push(st.clip(totalsLines(s, st).join('\n'), max));
  out.push(activityLines(s, st).join('\n'));
  const people = s.principals.slice(0, PEOPLE_ROWS);
  const heading = st.bold(`By user (${formatCount(s.principals.length)})`);
  if (st.table) {
    const table = peopleTable(people, ctx, st);
    out.push(
      fitList(st, `${heading}\n${table.header}`, table.rows, s.principals.length, Number.POSITIVE_INFINITY),
    );
  } else
    out.push(
      fitList(
        st,
        heading,
        people.map((p) => personLine(p, ctx, st)),
        s.principals.length,
        max,
      ),
    );
  const whereFrom = people.flatMap((p) => whereFromLine(p, st) ?? []);
  if (whereFrom.length > 0)
    out.push(
      fitList(
        st,
        st.bold('Where from'),
        whereFrom,
        s.principals.filter((p) => (p.countries?.length ?? 0) > 0).length,
        max,
      ),
    );
  if (s.ips.length > 0)
    out.push(
      fitList(
        st,
        st.bold('Top source IPs'),
        s.ips
          .slice(0, IP_ROWS)
          .map(
            (ip) =>
              `• ${st.code(ip.ip, 45)} — ${plural(ip.signIns, 'sign-in')}` +
              (ip.failures > 0 ? ` · ${formatCount(ip.failures)} failed` : '') +
              ` · ${plural(ip.users, 'user')}`,
          ),
        s.ips.length,
        max,
      ),
    );
  if (s.firstSeen.length > 0)
    out.push(
      fitList(
        st,
        st.bold('New for the user'),
        s.firstSeen.slice(0, FIRST_SEEN_ROWS).map((f) => firstSeenLine(f, st)),
        s.firstSeen.length,
        max,
      ),
    );
  if (s.latest.length > 0)
    out.push(
      fitList(
        st,
        st.bold('Latest sign-ins'),
        s.latest.slice(0, LATEST_ROWS).map((x) => latestLine(x, ctx, st)),
        Math.min(s.latest.length, LATEST_ROWS),
        max,
      ),
    );
  return out;
};

/**
 * The last hours at a glance, for the App Home: the totals, the sparkline and the most active users, as
 * Slack mrkdwn sections.
 */
export const activityGlance = (s: ActivitySummary, ctx: QueryAnswerContext, topUsers = 5): string[] => {
  if (s.total === 0) return [`Nothing signed in between ${slackTime(s.from)} and ${slackTime(s.to)}.`];
  const people = s.principals.slice(0, topUsers).map((p) => personLine(p, ctx, SLACK));
  return [
    clipEscaped([...totalsLines(s, SLACK), ...activityLines(s, SLACK)].join('\n'), LIMITS.sectionText),
    fitList(SLACK, SLACK.bold('Most active'), people, s.principals.length, LIMITS.sectionText),
  ];
};

const SOURCE_WORDS: Record<ActivitySummary['source'], string> = {
  rollups: 'Counted from hourly rollups',
  records: 'Counted from the stored sign-in records',
  cloudtrail: 'Read from CloudTrail event history',
};

const footer = (s: ActivitySummary, st: AnswerStyle): string =>
  `${SOURCE_WORDS[s.source]} · ${st.date(s.from)} → ${st.date(s.to)}`;

const fallback = (s: ActivitySummary, ctx: QueryAnswerContext): string => {
  const counts =
    s.total === 0
      ? 'nothing signed in'
      : `${plural(s.total, 'sign-in')}, ${formatCount(s.byOutcome.success)} succeeded, ${formatCount(s.byOutcome.failure)} failed`;
  return clipEscaped(`Sign-ins · ${mrkdwnValue(ctx.title, 300)}: ${counts}`, LIMITS.fallbackText);
};

/** The `/signins` answer as Block Kit: within Slack's limits whatever the summary holds. */
export const renderQueryAnswer = (summary: ActivitySummary, ctx: QueryAnswerContext): SlackMessage => {
  const blocks: Block[] = [
    { type: 'header', text: plain(clip(`Sign-ins · ${clipPlain(ctx.title, 200)}`, LIMITS.headerText)) },
    ...answerSections(summary, ctx, SLACK).map((text): Block => ({ type: 'section', text: mrkdwn(text) })),
    { type: 'context', elements: [mrkdwn(footer(summary, SLACK))] },
  ];
  return { text: fallback(summary, ctx), blocks };
};

/** The same answer for a terminal (`signins query`): plain text, record values neutralised. */
export const renderQueryText = (summary: ActivitySummary, ctx: QueryAnswerContext): string => {
  const title = `Sign-ins · ${terminalValue(ctx.title, 200)}`;
  return [
    title,
    '═'.repeat(Math.min(title.length, 80)),
    ...answerSections(summary, ctx, TERMINAL).flatMap((text) => [text, '']),
    footer(summary, TERMINAL),
  ].join('\n');
};
