// Who is this sign-in in Slack? Matches a sign-in's AWS principal against the configured identity map
// (its shape: shared/identity-map.ts) to a Slack user id or e-mail, so the bot knows whom to ask "was this you?".
// Pure: the e-mail → user look-up (users.lookupByEmail) is the caller's. `via` and `reason` quote names
// from the record (attacker-influenced): whoever renders them escapes them.
import { ENV } from '../../shared/env-keys';
import {
  ACCOUNT,
  AWS_NAME,
  type IdentityMap,
  isPlausibleEmail,
  type SlackTarget,
  type SubjectMatch,
  shown,
} from '../../shared/identity-map';
import { HIDDEN_USER_LABEL } from './identity';
import type { SignIn } from './sign-in';

export {
  type ArnRule,
  EMPTY_IDENTITY_MAP,
  type IdentityMap,
  IdentityMapError,
  isPlausibleEmail,
  parseIdentityMap,
  type SlackTarget,
  type SubjectMatch,
} from '../../shared/identity-map';

// ── Matching a sign-in ────────────────────────────────────────────────────────────────────────────

const SETTING = ENV.identityMap;
// Before July 2025 IAM Identity Center recorded its own sign-in steps with userIdentity.type "Unknown".
const IDENTITY_CENTER_EVENTS = new Set([
  'CredentialChallenge',
  'CredentialVerification',
  'UserAuthentication',
]);

const mapped = (target: SlackTarget, via: string): SubjectMatch => ({ kind: 'mapped', target, via });
const unmapped = (reason: string): SubjectMatch => ({ kind: 'unmapped', reason });

const accountInArn = (arn: string | null): string | null => {
  const account = arn?.split(':')[4];
  return account && ACCOUNT.test(account) ? account : null;
};

/** The account the principal lives in (the role's or user's), when the record names a real one. */
const homeAccount = (s: SignIn): string | null =>
  accountInArn(s.arn) ??
  [s.identityAccountId, s.accountId].find((a): a is string => a !== null && ACCOUNT.test(a)) ??
  null;

/** The account-specific key wins over the bare name. */
const lookup = (
  table: ReadonlyMap<string, SlackTarget>,
  name: string,
  account: string | null,
): { target: SlackTarget; account: string | null } | null => {
  const folded = name.toLowerCase();
  const specific = account ? table.get(`${account}:${folded}`) : undefined;
  if (specific) return { target: specific, account };
  const any = table.get(folded);
  return any ? { target: any, account: null } : null;
};

const inAccount = (account: string | null): string => (account ? ` in ${account}` : '');

const byRoot = (s: SignIn, map: IdentityMap): SubjectMatch => {
  const account = accountInArn(s.arn) ?? [s.identityAccountId, s.accountId].find((a) => a && ACCOUNT.test(a));
  const specific = account ? map.root.get(account) : undefined;
  if (specific && account) return mapped(specific, `root of ${account}`);
  const any = map.root.get('*');
  if (any) return mapped(any, 'root of any account');
  return unmapped(
    `no Slack user is mapped to the root user${account ? ` of ${account}` : ''} (${SETTING} "root")`,
  );
};

/** `arn:aws:iam::111122223333:user/path/alice` → alice (and its account when it is a real one). */
const iamUserOfArn = (arn: string | null): { name: string; account: string | null } | null => {
  const parts = arn?.split(':') ?? [];
  const resource = parts.slice(5).join(':');
  if (parts[2] !== 'iam' || !resource.startsWith('user/')) return null;
  const name = resource.slice(resource.lastIndexOf('/') + 1);
  return name ? { name, account: accountInArn(arn) } : null;
};

const iamUserName = (s: SignIn): string | null => {
  const name = iamUserOfArn(s.arn)?.name ?? s.principal;
  // identity.ts falls back to the principalId when the record names no user: not a name anyone maps.
  return AWS_NAME.test(name) && name !== s.identityAccountId ? name : null;
};

const byIamUser = (s: SignIn, map: IdentityMap): SubjectMatch => {
  const name = iamUserName(s);
  if (!name) return unmapped('the sign-in does not name the IAM user');
  const found = lookup(map.iamUsers, name, homeAccount(s));
  if (found) return mapped(found.target, `IAM user ${shown(name)}${inAccount(found.account)}`);
  return unmapped(`no Slack user is mapped to IAM user ${shown(name)} (${SETTING} "iamUsers")`);
};

interface SessionKind {
  /** How the name reads in `via` and `reason`: `Identity Center user "x"`. */
  readonly label: string;
  /** Set when AWS or the identity provider chose the name (so an e-mail in it names the person). */
  readonly emailVia: string | null;
}

const sessionKind = (s: SignIn): SessionKind => {
  if (s.identityType !== 'AssumedRole' || s.federation === 'identity-center')
    return s.identityType === 'FederatedUser'
      ? { label: 'federated user', emailVia: null }
      : { label: 'Identity Center user', emailVia: 'Identity Center user name is an e-mail' };
  if (s.federation === 'saml') return { label: 'SAML session', emailVia: 'SAML session name is an e-mail' };
  return { label: 'role session', emailVia: null };
};

// Identity Center, SAML, federated and other role sessions: the sessions table, then the person behind a
// console role switch, then the name itself when it is an e-mail that AWS or the IdP (not the caller) chose.
const bySession = (s: SignIn, map: IdentityMap, name: string): SubjectMatch => {
  const kind = sessionKind(s);
  const found = lookup(map.sessions, name, homeAccount(s));
  if (found) return mapped(found.target, `${kind.label} ${shown(name)}${inAccount(found.account)}`);
  // A console role switch records the IAM user it came from (AWS sets SwitchFrom, not the caller).
  const from = s.federation === 'switch-role' ? iamUserOfArn(s.switchFrom) : null;
  const user = from ? lookup(map.iamUsers, from.name, from.account) : null;
  if (from && user)
    return mapped(user.target, `switched role from IAM user ${shown(from.name)}${inAccount(user.account)}`);
  const noOne = `no Slack user is mapped to ${kind.label} ${shown(name)} (${SETTING} "sessions")`;
  if (!isPlausibleEmail(name)) return unmapped(noOne);
  if (!kind.emailVia)
    return unmapped(`${noOne}; its name looks like an e-mail, but whoever starts the session chooses it`);
  if (!map.emailSessions) return unmapped(`${noOne}; e-mail look-up is off ("emailSessions": false)`);
  return mapped({ kind: 'email', email: name }, kind.emailVia);
};

const sessionName = (s: SignIn): string | null => {
  const name = s.identityType === 'AssumedRole' ? s.sessionName : s.principal;
  if (!name || name === HIDDEN_USER_LABEL) return null;
  // identity.ts falls back to principalId / account id when the record names nobody.
  return name === s.identityAccountId || name === s.accountId ? null : name;
};

/** Whom to ask about this sign-in: an ARN pattern first, then the rule for its identity type. */
export const subjectOf = (signIn: SignIn, map: IdentityMap): SubjectMatch => {
  // A failed sign-in to a user name that does not exist: AWS hides what was typed, so nobody is asked.
  if (signIn.principal === HIDDEN_USER_LABEL)
    return unmapped('AWS hides the user name of this failed sign-in, so it does not say who it was');
  const rule = signIn.arn ? map.arns.find((r) => r.matches(signIn.arn as string)) : undefined;
  if (rule) return mapped(rule.target, `ARN pattern ${rule.pattern}`);
  const { identityType } = signIn;
  if (identityType === 'Root') return byRoot(signIn, map);
  if (identityType === 'IAMUser') return byIamUser(signIn, map);
  const identityCenterStep = identityType === 'Unknown' && IDENTITY_CENTER_EVENTS.has(signIn.eventName);
  if (identityType === 'Unknown' && !identityCenterStep) {
    const raw = signIn.rawIdentityType;
    return unmapped(
      raw && raw !== 'Unknown'
        ? `the bot cannot tell who identity type ${shown(raw)} is`
        : 'the sign-in does not say who it was (identity type not recorded)',
    );
  }
  const name = sessionName(signIn);
  if (!name) return unmapped('the sign-in does not name the session or user');
  return bySession(signIn, map, name);
};

// ── The other way round ─────────────────────────────────────────────────────────────────────────────

/**
 * The user keys (see `userKey` in query.ts) the map ties to a Slack user: the IAM user and session names
 * mapped to them, and "root" when a root rule names them. Mapped by e-mail, a person is not found here (that
 * needs Slack): a silence guardrail built on this refuses what it can tell, and says nothing of the rest.
 */
export const userKeysOf = (map: IdentityMap, slackUser: string): string[] => {
  const isUser = (t: SlackTarget) => t.kind === 'user' && t.user === slackUser;
  const names = (table: ReadonlyMap<string, SlackTarget>) =>
    [...table].filter(([, t]) => isUser(t)).map(([key]) => key.slice(key.indexOf(':') + 1).toLowerCase());
  const keys = [...names(map.iamUsers), ...names(map.sessions)];
  if ([...map.root.values()].some(isUser)) keys.push('root');
  return [...new Set(keys)];
};
