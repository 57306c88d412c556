// Words for the values a card shows.
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

const FEDERATION_LABEL: Record<Exclude<Federation, null>, string> = {
  'identity-center': 'via IAM Identity Center',
  saml: 'via SAML',
  'switch-role': 'switched role',
  federation: 'via federation',
};

// Before July 2025 IAM Identity Center recorded its own sign-in steps with userIdentity.type "Unknown".
const IDENTITY_CENTER_EVENTS = new Set([
  'CredentialChallenge',
  'CredentialVerification',
  'UserAuthentication',
]);

export const identityLabel = (s: Pick<SignIn, 'identityType' | 'federation' | 'eventName'>): string => {
  if (s.identityType === 'Unknown' && IDENTITY_CENTER_EVENTS.has(s.eventName))
    return IDENTITY_LABEL.IdentityCenterUser;
  const base = IDENTITY_LABEL[s.identityType];
  return s.federation ? `${base} (${FEDERATION_LABEL[s.federation]})` : base;
};

export const MFA_LABEL: Record<Mfa, string> = {
  yes: 'Yes',
  no: 'No',
  idp: 'Handled by the identity provider',
  unknown: 'Not recorded',
};
