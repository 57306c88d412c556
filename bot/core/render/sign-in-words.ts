// The sentences a sign-in card opens with: who signed in (the person first, then the role and how they
// came) and what happened, in the words a responder would use, so that a card reads at a glance. Record
// values go through the caller's `inert` (clipPlain for plain_text, safe for mrkdwn): one phrasing for both.
import { HIDDEN_USER_LABEL } from '../identity';
import type { SignIn } from '../sign-in';
import { eventInline, identityLabel, isIdentityCenterUser, outcomeLabel, VIA, viaText } from './labels';

/** Makes a record's value inert for where it goes (clipPlain for plain_text, safe for mrkdwn), clipped to `max`. */
export type Inert = (value: string, max: number) => string;

/** Who signed in, in parts a card arranges as it needs: the person first, then the role and how they came. */
export interface Who {
  /** The person ("anaya", "nicholas.hakmiller"), or our own words when the record names nobody ("root user"). */
  readonly name: string;
  /** `name` is our own words: it takes a capital at the start of a sentence (a record's value never does). */
  readonly ours: boolean;
  /** After the name in a header: "IAM Identity Center, role DevAdmin", "IAM user"; empty for root. */
  readonly brief: string;
  /** After the name in the Who field and the summary: "assumed role DevAdmin via IAM Identity Center". */
  readonly identity: string;
}

// IAM Identity Center permission-set roles: AWSReservedSSO_<PermissionSet>_<16 hex> (as in identity.ts).
const SSO_ROLE = /^AWSReservedSSO_(.+?)(?:_[0-9a-f]{16})?$/;

/** The role as people know it: the permission set for an IAM Identity Center role. */
const roleOf = (s: Pick<SignIn, 'roleName' | 'federation'>): string | null => {
  if (!s.roleName) return null;
  return s.federation === 'identity-center' ? (SSO_ROLE.exec(s.roleName)?.[1] ?? s.roleName) : s.roleName;
};

const list = (...parts: readonly (string | false | null | undefined)[]): string =>
  parts.filter(Boolean).join(', ');

type WhoFacts = Pick<
  SignIn,
  'identityType' | 'federation' | 'eventName' | 'principal' | 'roleName' | 'sessionName'
>;

const roleSession = (s: WhoFacts, inert: Inert, max: number): Who => {
  const role = roleOf(s);
  const roleText = role ? inert(role, max) : null;
  const session = s.sessionName ? inert(s.sessionName, max) : null;
  // With no session name the role is the only name there is: it names the session, not a second fact.
  const named = session ? roleText : null;
  // A role switch is said with the role it went to ("switched role (to role X)"); others say how, then the role.
  const brief =
    s.federation === 'switch-role'
      ? named
        ? `${s.eventName === 'SwitchRole' ? 'to' : 'switched to'} role ${named}`
        : ''
      : list(s.federation && VIA[s.federation], named && `role ${named}`);
  return {
    name: session ?? (roleText ? `a session of role ${roleText}` : inert(s.principal, max)),
    ours: !session && roleText !== null,
    brief,
    identity: `assumed role${named ? ` ${named}` : ''}${viaText(s)}`,
  };
};

export const whoOf = (s: WhoFacts, inert: Inert, max: number): Who => {
  if (s.identityType === 'AssumedRole') return roleSession(s, inert, max);
  if (s.identityType === 'Root') {
    // identity.ts names a root sign-in "root (<account alias>)" when the record gives the alias.
    const alias = /^root \((.+)\)$/s.exec(s.principal)?.[1];
    return {
      name: 'root user',
      ours: true,
      brief: '',
      identity: list(alias && `account alias ${inert(alias, max)}`, viaText(s).trim()),
    };
  }
  const hidden = s.principal === HIDDEN_USER_LABEL;
  const hiddenNote = hidden && 'name hidden by AWS';
  const base = identityLabel(s);
  return {
    name: hidden ? 'unknown user' : inert(s.principal, max),
    ours: hidden,
    brief: list(isIdentityCenterUser(s) ? VIA['identity-center'] : base, hiddenNote),
    identity: list(base, hiddenNote),
  };
};

interface Phrases {
  readonly success: (who: string) => string;
  readonly failure: (who: string) => string;
}

const SIGN_IN: Phrases = { success: (w) => `${w} signed in`, failure: (w) => `Failed sign-in as ${w}` };

// What happened, in the words a responder would use; keyed like EVENT_LABEL.
const PHRASES: Record<string, Phrases> = {
  ConsoleLogin: SIGN_IN,
  UserAuthentication: SIGN_IN,
  ExternalIdPDirectoryLogin: {
    success: (w) => `${w} signed in through an external IdP directory`,
    failure: (w) => `Failed external IdP directory sign-in as ${w}`,
  },
  SwitchRole: { success: (w) => `${w} switched role`, failure: (w) => `Failed role switch as ${w}` },
  ExitRole: { success: (w) => `${w} left a switched role`, failure: (w) => `Failed role exit as ${w}` },
  RenewRole: {
    success: (w) => `${w} renewed a switched role`,
    failure: (w) => `Failed role renewal as ${w}`,
  },
  PasswordUpdated: {
    success: (w) => `Password changed for ${w}`,
    failure: (w) => `Failed password change for ${w}`,
  },
  CheckMfa: { success: (w) => `${w} passed the MFA check`, failure: (w) => `Failed MFA check as ${w}` },
  CredentialChallenge: {
    success: (w) => `${w} was asked for credentials`,
    failure: (w) => `Failed credential challenge for ${w}`,
  },
  CredentialVerification: {
    success: (w) => `${w} passed a credential check`,
    failure: (w) => `Failed credential check as ${w}`,
  },
  GetSigninToken: {
    success: (w) => `${w} got a console sign-in token`,
    failure: (w) => `Failed console sign-in token request as ${w}`,
  },
};

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** The name as it opens a sentence or a field. */
export const nameText = (who: Who): string => (who.ours ? capitalized(who.name) : who.name);

/**
 * What happened, in one line: "Root user signed in without MFA", "Failed sign-in as anaya (IAM user)",
 * "nicholas.hakmiller signed in (IAM Identity Center, role DevAdmin)". Record values go through `inert`.
 */
export const whatHappened = (
  s: WhoFacts & Pick<SignIn, 'outcome' | 'mfa'>,
  inert: Inert,
  max: number,
): string => {
  const who = whoOf(s, inert, max);
  const phrases = Object.hasOwn(PHRASES, s.eventName) ? PHRASES[s.eventName] : undefined;
  const event = inert(eventInline(s.eventName), max);
  let sentence: string;
  if (s.outcome === null)
    sentence = phrases
      ? `${capitalized(event)} by ${who.name}, outcome not recorded`
      : `${who.name}: ${event}, outcome not recorded`;
  else if (phrases) sentence = phrases[s.outcome](who.name);
  else sentence = `${who.name}: ${event} ${outcomeLabel(s.outcome)}`;
  // Our phrases that do not open with the name open with a capital; a name takes one only when it is ours.
  const opened = who.ours ? capitalized(sentence) : sentence;
  const mfa = s.outcome === 'success' && s.mfa === 'no' ? ' without MFA' : '';
  return `${opened}${mfa}${who.brief ? ` (${who.brief})` : ''}`;
};
