// Words for the values a card shows. Phrases hold no parentheses, so a card can put one in parentheses.
import { assertNever } from '../assert-never';
import type { Federation, IdentityType, Mfa, Outcome, Severity, SignIn } from '../sign-in';

// Unicode emoji rather than `:name:` codes: cards set `emoji: false` on plain_text, so that a record's
// `:name:` stays as typed, and these still show.
export const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: '🚨',
  high: '🔴',
  medium: '🟠',
  low: '🔵',
  info: '⚪',
};

export const SEVERITY_LABEL: Record<Severity, string> = {
  critical: `${SEVERITY_EMOJI.critical} Critical`,
  high: `${SEVERITY_EMOJI.high} High`,
  medium: `${SEVERITY_EMOJI.medium} Medium`,
  low: `${SEVERITY_EMOJI.low} Low`,
  info: `${SEVERITY_EMOJI.info} Info`,
};

const EVENT_LABEL: Record<string, string> = {
  ConsoleLogin: 'Console sign-in',
  UserAuthentication: 'Identity Center sign-in',
  SwitchRole: 'Role switch',
  ExitRole: 'Role exit',
  RenewRole: 'Role renewal',
  PasswordUpdated: 'Root password change',
  CheckMfa: 'MFA check',
  CredentialChallenge: 'Credential challenge',
  CredentialVerification: 'Credential verification',
  GetSigninToken: 'Federation sign-in token',
  ExternalIdPDirectoryLogin: 'External IdP directory sign-in',
};

/** A readable name for known events; an unknown one comes back as recorded (untrusted: escape it). */
export const eventLabel = (eventName: string): string =>
  Object.hasOwn(EVENT_LABEL, eventName) ? (EVENT_LABEL[eventName] as string) : eventName;

// Labels that open with a name or an acronym keep their capital inside a sentence.
const KEEPS_CAPITAL = /^(Identity Center|MFA|IdP)\b/;

/** The event's label inside a sentence ("console sign-in", "MFA check"); an unknown event as recorded. */
export const eventInline = (eventName: string): string => {
  if (!Object.hasOwn(EVENT_LABEL, eventName)) return eventName;
  const label = EVENT_LABEL[eventName] as string;
  return KEEPS_CAPITAL.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
};

export const outcomeLabel = (outcome: Outcome | null): string => {
  if (outcome === null) return 'recorded';
  switch (outcome) {
    case 'success':
      return 'succeeded';
    case 'failure':
      return 'failed';
    default:
      return assertNever(outcome);
  }
};

export const IDENTITY_LABEL: Record<IdentityType, string> = {
  Root: 'root user',
  IAMUser: 'IAM user',
  AssumedRole: 'assumed role',
  FederatedUser: 'federated user',
  IdentityCenterUser: 'Identity Center user',
  Unknown: 'identity type not recorded',
};

/** How a session came ("IAM Identity Center"), said after "via". */
export const VIA: Record<Exclude<Federation, null>, string> = {
  'identity-center': 'IAM Identity Center',
  saml: 'SAML',
  'switch-role': 'a role switch',
  federation: 'federation',
};

// Before July 2025 IAM Identity Center recorded its own sign-in steps with userIdentity.type "Unknown".
const IDENTITY_CENTER_EVENTS = new Set([
  'CredentialChallenge',
  'CredentialVerification',
  'UserAuthentication',
]);

export const viaText = (s: Pick<SignIn, 'identityType' | 'federation'>): string =>
  // A federated user came by federation: saying so again adds nothing.
  s.federation && !(s.identityType === 'FederatedUser' && s.federation === 'federation')
    ? ` via ${VIA[s.federation]}`
    : '';

export const isIdentityCenterUser = (s: Pick<SignIn, 'identityType' | 'eventName'>): boolean =>
  s.identityType === 'IdentityCenterUser' ||
  (s.identityType === 'Unknown' && IDENTITY_CENTER_EVENTS.has(s.eventName));

/** "IAM user", "assumed role via IAM Identity Center", …: one phrase, no parentheses, so it nests. */
export const identityLabel = (s: Pick<SignIn, 'identityType' | 'federation' | 'eventName'>): string =>
  isIdentityCenterUser(s)
    ? IDENTITY_LABEL.IdentityCenterUser
    : `${IDENTITY_LABEL[s.identityType]}${viaText(s)}`;

export const MFA_LABEL: Record<Mfa, string> = {
  yes: 'Yes',
  no: 'No',
  idp: 'Handled by the identity provider',
  unknown: 'Not recorded',
};
