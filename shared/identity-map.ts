// The identity map's shape (SIGNINS_IDENTITY_MAP, CDK context `identityMap`): AWS principals → Slack users or
// e-mail addresses. One schema, two users: the bot parses it at start, and synth refuses a map the bot would refuse.
// Matching a sign-in against it is the bot's (bot/core/identity-map.ts).
import * as z from 'zod';
export type SlackTarget =
  | { readonly kind: 'user'; readonly user: string }
  | { readonly kind: 'email'; readonly email: string };

export type SubjectMatch =
  | { readonly kind: 'mapped'; readonly target: SlackTarget; readonly via: string }
  | { readonly kind: 'unmapped'; readonly reason: string };

export interface ArnRule {
  readonly pattern: string;
  readonly matches: (arn: string) => boolean;
  readonly target: SlackTarget;
}

export interface IdentityMap {
  /** Keys lower-cased (`name` or `account:name`): AWS does not tell IAM user names apart by case. */
  readonly iamUsers: ReadonlyMap<string, SlackTarget>;
  readonly sessions: ReadonlyMap<string, SlackTarget>;
  /** In the order written: the first pattern that matches wins. */
  readonly arns: readonly ArnRule[];
  /** 12-digit account id or `*` → target. */
  readonly root: ReadonlyMap<string, SlackTarget>;
  readonly emailSessions: boolean;
}

export class IdentityMapError extends Error {
  override readonly name = 'IdentityMapError';
}

const SLACK_USER = /^[UW][A-Z0-9]{2,30}$/;
export const ACCOUNT = /^\d{12}$/;
// IAM user, role session and Identity Center user names: letters, digits and +=,.@_- (IAM's own rule).
export const AWS_NAME = /^[\w+=,.@-]{1,128}$/;
const MAX_EMAIL = 254;
// Dot-separated runs with disjoint classes: no nested ambiguity, so no catastrophic backtracking.
const EMAIL =
  /^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const MAX_PATTERN = 512;
const MAX_ARN = 2048;

/** A strict, simple e-mail check for text that may come from a record: no mrkdwn, no quotes, no spaces. */
export const isPlausibleEmail = (s: string): boolean =>
  s.length <= MAX_EMAIL && s.indexOf('@') <= 64 && EMAIL.test(s);

const toTarget = (value: string): SlackTarget | null => {
  if (SLACK_USER.test(value)) return { kind: 'user', user: value };
  if (isPlausibleEmail(value)) return { kind: 'email', email: value };
  return null;
};

/** `*` matches any run of characters; everything else is literal. No regex is built from config. */
const globMatcher = (pattern: string): ((s: string) => boolean) => {
  const parts = pattern.split('*');
  const first = parts[0] ?? '';
  const last = parts.length > 1 ? (parts[parts.length - 1] ?? '') : '';
  if (parts.length === 1) return (s) => s === pattern;
  const middle = parts.slice(1, -1).filter((p) => p !== '');
  return (s) => {
    if (s.length > MAX_ARN || s.length < first.length + last.length) return false;
    if (!s.startsWith(first) || !s.endsWith(last)) return false;
    const end = s.length - last.length;
    let at = first.length;
    // Leftmost match of each literal piece is enough for `*`-only globs: linear, no backtracking.
    for (const piece of middle) {
      const i = s.indexOf(piece, at);
      if (i < 0 || i + piece.length > end) return false;
      at = i + piece.length;
    }
    return true;
  };
};

export const shown = (value: string): string =>
  JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
const TARGET_HELP = 'expected a Slack user id (U… or W…, e.g. U0123ABCD) or an e-mail address';

const targetSchema = z.string({ error: TARGET_HELP }).transform((value, ctx) => {
  const target = toTarget(value);
  if (target) return target;
  ctx.addIssue({ code: 'custom', message: `is ${shown(value)}: ${TARGET_HELP}` });
  return z.NEVER;
});

/** A `name` / `account:name` table, keys lower-cased; two keys that differ only by case are an error. */
const namedTable = (what: string) =>
  z
    .record(z.string(), targetSchema, { error: `must be an object of ${what} → Slack user id or e-mail` })
    .transform((table, ctx) => {
      const out = new Map<string, SlackTarget>();
      for (const [key, target] of Object.entries(table)) {
        const colon = key.indexOf(':');
        const account = colon < 0 ? null : key.slice(0, colon);
        const name = colon < 0 ? key : key.slice(colon + 1);
        if ((account !== null && !ACCOUNT.test(account)) || !AWS_NAME.test(name)) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `is not ${what} or account:${what} (a 12-digit account id, a colon, then letters, digits and +=,.@_-)`,
          });
          continue;
        }
        const folded = key.toLowerCase();
        if (out.has(folded)) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'appears twice (names are not case-sensitive)',
          });
        }
        out.set(folded, target);
      }
      return out as ReadonlyMap<string, SlackTarget>;
    });

const arnsSchema = z
  .record(z.string(), targetSchema, { error: 'must be an object of ARN pattern → Slack user id or e-mail' })
  .transform((table, ctx) => {
    const rules: ArnRule[] = [];
    for (const [pattern, target] of Object.entries(table)) {
      if (!pattern.startsWith('arn:') || pattern.length > MAX_PATTERN || /[\s\p{Cc}]/u.test(pattern)) {
        ctx.addIssue({
          code: 'custom',
          path: [pattern],
          message: `is not an ARN pattern: it starts with "arn:", has no spaces, is at most ${MAX_PATTERN} characters, and * is its only wildcard`,
        });
        continue;
      }
      rules.push({ pattern, matches: globMatcher(pattern), target });
    }
    return rules as readonly ArnRule[];
  });

const ROOT_HELP = 'a Slack user id or e-mail, or an object of 12-digit account ids (or "*") to those';
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

// One Slack user for every account's root, or one per account with "*" as the fallback.
const rootSchema = z.unknown().transform((value, ctx) => {
  const out = new Map<string, SlackTarget>();
  const entries =
    typeof value === 'string' ? [['*', value] as const] : isObject(value) ? Object.entries(value) : null;
  if (!entries) {
    ctx.addIssue({ code: 'custom', message: `must be ${ROOT_HELP}` });
    return z.NEVER;
  }
  for (const [account, raw] of entries) {
    const path = typeof value === 'string' ? [] : [account];
    const target = typeof raw === 'string' ? toTarget(raw) : null;
    if (account !== '*' && !ACCOUNT.test(account)) {
      ctx.addIssue({ code: 'custom', path, message: 'is not a 12-digit account id or "*"' });
    } else if (!target) {
      const got = typeof raw === 'string' ? shown(raw) : `a ${Array.isArray(raw) ? 'list' : typeof raw}`;
      ctx.addIssue({ code: 'custom', path, message: `is ${got}: ${TARGET_HELP}` });
    } else out.set(account, target);
  }
  return out as ReadonlyMap<string, SlackTarget>;
});

const KEYS = ['iamUsers', 'sessions', 'arns', 'root', 'emailSessions'] as const;

const identityMapSchema = z
  .strictObject(
    {
      iamUsers: namedTable('an IAM user name').default(new Map()),
      sessions: namedTable('a session name').default(new Map()),
      arns: arnsSchema.default([]),
      root: rootSchema.default(new Map()),
      emailSessions: z.boolean({ error: 'must be true or false' }).default(true),
    },
    { error: 'must be a JSON object' },
  )
  .transform((m): IdentityMap => m);

const describeIssue = (issue: z.core.$ZodIssue): string => {
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    return `unknown key ${shown(key)} in ${pathOf(issue.path)} (expected ${KEYS.join(', ')})`;
  }
  return `${pathOf(issue.path)} ${issue.message}`;
};

const pathOf = (path: readonly PropertyKey[]): string =>
  path.length === 0
    ? 'the identity map'
    : path.map((p, i) => (i === 0 ? String(p) : `[${shown(String(p))}]`)).join('');

/** Throws IdentityMapError naming the first wrong key or value and what is expected there. */
export const parseIdentityMap = (json: unknown): IdentityMap => {
  const parsed = identityMapSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
  throw new IdentityMapError(`${issue ? describeIssue(issue) : 'invalid identity map'}${more}`, {
    cause: parsed.error,
  });
};

export const EMPTY_IDENTITY_MAP: IdentityMap = parseIdentityMap({});
