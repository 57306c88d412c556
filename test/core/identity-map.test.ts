// Who a sign-in is in Slack: the identity map over published records of every kind, its error messages,
// SIGNINS_IDENTITY_MAP loading, and hostile names from records and patterns.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBytes } from '../../bot/core/decode-input';
import {
  EMPTY_IDENTITY_MAP,
  IdentityMapError,
  parseIdentityMap,
  type SubjectMatch,
  subjectOf,
} from '../../bot/core/identity-map';
import { normalizeSignIn } from '../../bot/core/normalize-sign-in';
import type { SignIn } from '../../bot/core/sign-in';
import { ConfigError } from '../../bot/pipeline/config';
import { loadIdentityMap } from '../../bot/pipeline/identity-map-config';
import { fixturePath, recordFrom } from '../helpers/fixtures';

const fromFile = (rel: string, index = 0): SignIn => {
  const items = decodeBytes(readFileSync(fixturePath(`signin/${rel}`)));
  const found = items.flatMap((i) => (i.kind === 'signin' ? [i.signIn] : []));
  const signIn = found[index];
  if (!signIn) throw new Error(`${rel} has no sign-in #${index}`);
  return signIn;
};

/** A published record with its userIdentity (or other fields) replaced, through the real parser. */
const edited = (rel: string, overrides: Record<string, unknown>): SignIn =>
  normalizeSignIn(recordFrom(`signin/${rel}`, overrides));

const SSO_REAL = 'panther-analysis/sso-assumedrole-success-regional-endpoint-us-west-2-REAL.json';
const ssoSession = (session: string): SignIn => {
  const base = recordFrom(`signin/${SSO_REAL}`).userIdentity as Record<string, unknown>;
  return edited(SSO_REAL, {
    userIdentity: {
      ...base,
      arn: `arn:aws:sts::187901811700:assumed-role/AWSReservedSSO_DevAdmin_635426549a280cc6/${session}`,
    },
  });
};

const MAP = parseIdentityMap({
  iamUsers: {
    anaya: 'U0ANAYA',
    JaneDoe: 'U0JANEANY',
    '111122223333:JaneDoe': 'jane@example.com',
    AllAccountAdminUser: 'U0ADMIN',
  },
  sessions: { 'nicholas.hakmiller': 'nick@example.com', user1: 'U0USER1' },
  arns: { 'arn:aws:sts::123456789012:assumed-role/my-role/*': 'U0OPS' },
  root: { '111122223333': 'U0OWNER', '*': 'owner@example.com' },
});

const user = (id: string, via: string): SubjectMatch => ({
  kind: 'mapped',
  target: { kind: 'user', user: id },
  via,
});
const email = (address: string, via: string): SubjectMatch => ({
  kind: 'mapped',
  target: { kind: 'email', email: address },
  via,
});
const unmapped = (reason: string): SubjectMatch => ({ kind: 'unmapped', reason });
/** The error a call throws (failing when it returns): its class and message, not its cause, are the contract. */
const errorOf = (act: () => unknown): Error => {
  try {
    act();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error, nothing was thrown');
};

const HIDDEN = unmapped('AWS hides the user name of this failed sign-in, so it does not say who it was');

describe('whom a published sign-in asks', () => {
  it.each<[string, string, SubjectMatch]>([
    [
      'an IAM user, by user name',
      'aws-docs-cloudtrail-guide/01-iam-user-success-no-mfa.json',
      user('U0ANAYA', 'IAM user "anaya"'),
    ],
    [
      'a failed IAM user sign-in that has a user name but no ARN',
      'aws-docs-cloudtrail-guide/03-iam-user-failure.json',
      user('U0ANAYA', 'IAM user "anaya"'),
    ],
    [
      'an IAM user whose account has its own entry, which wins over the bare name',
      'aws-docs-iam-guide/iam-user-failure-failed-authentication.json',
      email('jane@example.com', 'IAM user "JaneDoe" in 111122223333'),
    ],
    [
      'an IAM user nobody mapped',
      'aws-docs-cloudtrail-guide/11-tutorial-iam-user-success-us-east-1.json',
      unmapped('no Slack user is mapped to IAM user "Mary_Major" (SIGNINS_IDENTITY_MAP "iamUsers")'),
    ],
    [
      'a failed sign-in whose user name AWS hides',
      'aws-docs-iam-guide/failure-no-username-HIDDEN_DUE_TO_SECURITY_REASONS.json',
      HIDDEN,
    ],
    [
      'a real failed sign-in whose user name AWS hides',
      'web-sources/pwnedlabs-writeup-iam-failure-HIDDEN-go-http-client-REAL.json',
      HIDDEN,
    ],
    [
      'root of an account with its own owner',
      'aws-docs-cloudtrail-guide/06-root-success-no-mfa.json',
      user('U0OWNER', 'root of 111122223333'),
    ],
    [
      'root of any other account, through "*"',
      'panther-analysis/root-success-no-mfa.json',
      email('owner@example.com', 'root of any account'),
    ],
    [
      'a root failure that records only the recipient account',
      'panther-analysis/root-failure-minimal.json',
      user('U0OWNER', 'root of 111122223333'),
    ],
    [
      'an Identity Center sign-in step (UserAuthentication), by Identity Center user name',
      'aws-docs-identity-center/pw-totp-5-userauthentication-password-totp.json',
      user('U0USER1', 'Identity Center user "user1"'),
    ],
    [
      'an Identity Center user nobody mapped and whose name is no e-mail',
      'web-sources/workspaces-2026-pw-3-userauthentication-success.json',
      unmapped(
        'no Slack user is mapped to Identity Center user "exampleuser" (SIGNINS_IDENTITY_MAP "sessions")',
      ),
    ],
    [
      'a console sign-in through an Identity Center role, by its session (the user name)',
      SSO_REAL,
      email('nick@example.com', 'Identity Center user "nicholas.hakmiller"'),
    ],
    [
      'an Identity Center role session whose user name is an e-mail',
      'panther-analysis/sso-assumedrole-awsreservedsso-us-east-2.json',
      email('foo@bar.com', 'Identity Center user name is an e-mail'),
    ],
    [
      'the access portal getting a console sign-in token for an e-mail user',
      'panther-analysis/getsignintoken-sso-portal-jersey.json',
      email('user@example.com', 'Identity Center user name is an e-mail'),
    ],
    [
      'a SAML session whose subject is an e-mail',
      'panther-analysis/saml-assumedrole-okta.json',
      email('tester@domain.tld', 'SAML session name is an e-mail'),
    ],
    [
      'an assumed role matching an ARN pattern',
      'aws-cli-examples/lookup-events-consolelogin-assumedrole.json',
      user('U0OPS', 'ARN pattern arn:aws:sts::123456789012:assumed-role/my-role/*'),
    ],
    [
      'a console role switch, by the IAM user it came from',
      'tstibbs-cloud-core/switchrole-success-cross-account.json',
      user('U0ADMIN', 'switched role from IAM user "AllAccountAdminUser"'),
    ],
    [
      'a role session with no session name in the record',
      'panther-analysis/assumedrole-no-arn-mfa-session.json',
      unmapped('the sign-in does not name the session or user'),
    ],
  ])('%s (%s)', (_behaviour, rel, expected) => {
    expect(subjectOf(fromFile(rel), MAP)).toEqual(expected);
  });

  it('maps nobody with the empty map but Identity Center and SAML e-mails', () => {
    expect(
      subjectOf(fromFile('aws-docs-cloudtrail-guide/06-root-success-no-mfa.json'), EMPTY_IDENTITY_MAP),
    ).toEqual(
      unmapped('no Slack user is mapped to the root user of 111122223333 (SIGNINS_IDENTITY_MAP "root")'),
    );
    expect(subjectOf(fromFile('panther-analysis/saml-assumedrole-okta.json'), EMPTY_IDENTITY_MAP)).toEqual(
      email('tester@domain.tld', 'SAML session name is an e-mail'),
    );
  });

  it('reads every record of a multi-record file, an assumed role among IAM users', () => {
    const rel = 'elastic-integrations/test-console-login-json.log.jsonl';
    expect(subjectOf(fromFile(rel, 0), MAP)).toEqual(unmapped(expect.stringContaining('IAM user "JohnDoe"')));
    expect(subjectOf(fromFile(rel, 2), MAP)).toEqual(
      unmapped('no Slack user is mapped to role session "MySessionName" (SIGNINS_IDENTITY_MAP "sessions")'),
    );
  });

  it('does not trust an e-mail-looking name that the caller of AssumeRole chose', () => {
    const signIn = edited('panther-analysis/getsignintoken-assumedrole-python-requests.json', {
      userIdentity: {
        type: 'AssumedRole',
        accountId: '123456789012',
        arn: 'arn:aws:sts::123456789012:assumed-role/MyRole/ceo@example.com',
      },
    });
    expect(subjectOf(signIn, MAP)).toEqual(
      unmapped(
        'no Slack user is mapped to role session "ceo@example.com" (SIGNINS_IDENTITY_MAP "sessions"); its name looks like an e-mail, but whoever starts the session chooses it',
      ),
    );
  });

  it('looks up no e-mail when emailSessions is false', () => {
    const map = parseIdentityMap({ emailSessions: false });
    expect(subjectOf(fromFile('panther-analysis/saml-assumedrole-okta.json'), map)).toEqual(
      unmapped(
        'no Slack user is mapped to SAML session "tester@domain.tld" (SIGNINS_IDENTITY_MAP "sessions"); e-mail look-up is off ("emailSessions": false)',
      ),
    );
  });

  it('lets an ARN pattern win over the identity type, and matches IAM names whatever their case', () => {
    const map = parseIdentityMap({
      iamUsers: { mary_major: 'U0MARY' },
      arns: { 'arn:aws:iam::111122223333:root': 'U0BREAKGLASS' },
      root: 'U0OWNER',
    });
    expect(subjectOf(fromFile('aws-docs-cloudtrail-guide/06-root-success-no-mfa.json'), map)).toEqual(
      user('U0BREAKGLASS', 'ARN pattern arn:aws:iam::111122223333:root'),
    );
    expect(subjectOf(fromFile('panther-analysis/root-success-no-mfa.json'), map)).toEqual(
      user('U0OWNER', 'root of any account'),
    );
    expect(
      subjectOf(fromFile('aws-docs-cloudtrail-guide/11-tutorial-iam-user-success-us-east-1.json'), map),
    ).toEqual(user('U0MARY', 'IAM user "Mary_Major"'));
  });

  it('maps the Identity Center user name of a record typed IdentityCenterUser (from July 2025)', () => {
    // AWS's announced shape: no userName or principalId; the user name, when given, is in additionalEventData.
    const rel = 'aws-docs-identity-center/pw-only-1-credentialchallenge-password.json';
    const identity = {
      type: 'IdentityCenterUser',
      accountId: '111122223333',
      onBehalfOf: {
        userId: '94482488-3041-7026-18f0-1dc5d9a2b5c4',
        identityStoreArn: 'arn:aws:identitystore::111122223333:identitystore/d-1234567890',
      },
      credentialId: 'EXAMPLEHQWmNvPDN8X0O0K3Cpp5qCkQY1kzHKkxWvkw',
    };
    const named = edited(rel, {
      userIdentity: identity,
      additionalEventData: { CredentialType: 'PASSWORD', UserName: 'jo@example.com' },
    });
    expect(subjectOf(named, MAP)).toEqual(email('jo@example.com', 'Identity Center user name is an e-mail'));
    const byId = edited(rel, { userIdentity: identity, additionalEventData: { CredentialType: 'TOTP' } });
    expect(subjectOf(byId, MAP)).toEqual(
      unmapped(
        'no Slack user is mapped to Identity Center user "94482488-3041-7026-18f0-1dc5d9a2b5c4" (SIGNINS_IDENTITY_MAP "sessions")',
      ),
    );
    const hidden = edited(rel, {
      userIdentity: identity,
      additionalEventData: { CredentialType: 'PASSWORD', UserName: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
    });
    expect(subjectOf(hidden, MAP)).toEqual(HIDDEN);
  });

  it('says why when the record does not say who it was', () => {
    const noIdentity = edited('aws-docs-cloudtrail-guide/06-root-success-no-mfa.json', {
      userIdentity: undefined,
    });
    expect(subjectOf(noIdentity, MAP)).toEqual(
      unmapped('the sign-in does not say who it was (identity type not recorded)'),
    );
  });
});

describe('hostile names and patterns', () => {
  it('never turns a mrkdwn-laden session name into an e-mail target, and quotes it in the reason', () => {
    const match = subjectOf(ssoSession('<!channel>@x.com'), EMPTY_IDENTITY_MAP);
    expect(match).toEqual(
      unmapped(
        'no Slack user is mapped to Identity Center user "<!channel>@x.com" (SIGNINS_IDENTITY_MAP "sessions")',
      ),
    );
  });

  it('handles a 10 KB session name at once, and keeps the reason short', () => {
    const started = performance.now();
    const match = subjectOf(ssoSession(`${'a'.repeat(10_000)}@example.com`), MAP);
    expect(performance.now() - started).toBeLessThan(250);
    expect(match.kind).toBe('unmapped');
    expect((match as { reason: string }).reason.length).toBeLessThan(200);
  });

  it('finds nothing on Object.prototype for a session named after one of its members', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(subjectOf(ssoSession(name), EMPTY_IDENTITY_MAP).kind).toBe('unmapped');
    }
  });

  it('treats everything but * in a pattern as literal text, never as a regex', () => {
    const map = parseIdentityMap({
      arns: {
        'arn:aws:sts::187901811700:assumed-role/AWSReserved.SO_DevAdmin_635426549a280cc6/*': 'U0DOT',
        'arn:aws:sts::187901811700:assumed-role/.*': 'U0ANY',
        'arn:aws:sts::187901811700:assumed-role/AWSReservedSSO_(Dev)+Admin_635426549a280cc6/*': 'U0GROUP',
      },
    });
    expect(subjectOf(ssoSession('nicholas.hakmiller'), map)).toEqual(
      unmapped(
        'no Slack user is mapped to Identity Center user "nicholas.hakmiller" (SIGNINS_IDENTITY_MAP "sessions")',
      ),
    );
    const literal = parseIdentityMap({ arns: { 'arn:aws:sts::187901811700:assumed-role/*/a.b': 'U0DOT' } });
    expect(subjectOf(ssoSession('aXb'), literal).kind).toBe('unmapped');
    expect(subjectOf(ssoSession('a.b'), literal)).toEqual(
      user('U0DOT', 'ARN pattern arn:aws:sts::187901811700:assumed-role/*/a.b'),
    );
  });

  it('matches a backtracking-shaped pattern quickly, and still matches what it should', () => {
    const pattern = `arn:${'*a'.repeat(200)}*b`;
    const map = parseIdentityMap({ arns: { [pattern]: 'U0GLOB' } });
    const started = performance.now();
    const miss = subjectOf(ssoSession(`${'a'.repeat(60)}b`), map);
    expect(performance.now() - started).toBeLessThan(250);
    expect(miss.kind).toBe('unmapped');
    expect(subjectOf(ssoSession(`${'a'.repeat(200)}b`), map)).toEqual(
      user('U0GLOB', `ARN pattern ${pattern}`),
    );
  });

  it('keeps error messages short when a configured value is 10 KB long', () => {
    expect(() => parseIdentityMap({ sessions: { alice: 'x'.repeat(10_000) } })).toThrow(
      /^sessions\["alice"\] is "x{64}…": expected a Slack user id/,
    );
  });
});

describe('identity map errors', () => {
  it.each<[string, unknown, string]>([
    [
      'an unknown key',
      { iamUser: {} },
      'unknown key "iamUser" in the identity map (expected iamUsers, sessions, arns, root, emailSessions)',
    ],
    [
      'a value that is neither a Slack user id nor an e-mail',
      { iamUsers: { alice: 'bob' } },
      'iamUsers["alice"] is "bob": expected a Slack user id (U… or W…, e.g. U0123ABCD) or an e-mail address',
    ],
    [
      'an account that is not 12 digits',
      { iamUsers: { '12345:bob': 'U0BOB' } },
      'iamUsers["12345:bob"] is not an IAM user name or account:an IAM user name (a 12-digit account id, a colon, then letters, digits and +=,.@_-)',
    ],
    [
      'two names that differ only by case',
      { iamUsers: { alice: 'U0A', Alice: 'U0B' } },
      'iamUsers["Alice"] appears twice (names are not case-sensitive)',
    ],
    [
      'a pattern that is not an ARN',
      { arns: { '*': 'U0ALL' } },
      'arns["*"] is not an ARN pattern: it starts with "arn:", has no spaces, is at most 512 characters, and * is its only wildcard',
    ],
    [
      'a pattern past the length cap',
      { arns: { [`arn:${'x'.repeat(600)}`]: 'U0LONG' } },
      `arns["arn:${'x'.repeat(60)}…"] is not an ARN pattern: it starts with "arn:", has no spaces, is at most 512 characters, and * is its only wildcard`,
    ],
    [
      'a root account that is a name',
      { root: { prod: 'U0X' } },
      'root["prod"] is not a 12-digit account id or "*"',
    ],
    [
      'a root that names nobody',
      { root: 'nobody' },
      'root is "nobody": expected a Slack user id (U… or W…, e.g. U0123ABCD) or an e-mail address',
    ],
    [
      'a root of the wrong type',
      { root: 5 },
      'root must be a Slack user id or e-mail, or an object of 12-digit account ids (or "*") to those',
    ],
    ['emailSessions that is not a boolean', { emailSessions: 'yes' }, 'emailSessions must be true or false'],
    [
      'sessions that are a list',
      { sessions: ['alice'] },
      'sessions must be an object of a session name → Slack user id or e-mail',
    ],
    ['a map that is not an object', ['U0ALICE'], 'the identity map must be a JSON object'],
  ])('names %s', (_case, json, message) => {
    const err = errorOf(() => parseIdentityMap(json));
    expect(err).toBeInstanceOf(IdentityMapError);
    expect(err.message).toBe(message);
  });
});

describe('SIGNINS_IDENTITY_MAP', () => {
  const noFile = (path: string): string => {
    throw new Error(`no file should be read, asked for ${path}`);
  };

  it('is the empty map when unset or blank', () => {
    expect(loadIdentityMap(undefined, noFile)).toBe(EMPTY_IDENTITY_MAP);
    expect(loadIdentityMap('  ', noFile)).toBe(EMPTY_IDENTITY_MAP);
  });

  it('reads inline JSON, and a file path from disk', () => {
    const inline = loadIdentityMap('{"root":"U0OWNER"}', noFile);
    expect(subjectOf(fromFile('panther-analysis/root-success-no-mfa.json'), inline)).toEqual(
      user('U0OWNER', 'root of any account'),
    );
    const dir = mkdtempSync(join(tmpdir(), 'identity-map-'));
    try {
      const path = join(dir, 'map.json');
      writeFileSync(path, `\uFEFF${JSON.stringify({ sessions: { 'nicholas.hakmiller': 'U0NICK' } })}`);
      const fromDisk = loadIdentityMap(path, (p) => readFileSync(p, 'utf8'));
      expect(subjectOf(fromFile(SSO_REAL), fromDisk)).toEqual(
        user('U0NICK', 'Identity Center user "nicholas.hakmiller"'),
      );
      const missing = errorOf(() =>
        loadIdentityMap(join(dir, 'missing.json'), (p) => readFileSync(p, 'utf8')),
      );
      expect(missing).toBeInstanceOf(ConfigError);
      expect(missing.message).toBe(
        `SIGNINS_IDENTITY_MAP names the file ${join(dir, 'missing.json')}, which cannot be read (no such file): give a readable JSON file or inline JSON`,
      );
      writeFileSync(path, '{"iamUsers": {"alice": "bob"}}');
      const wrong = errorOf(() => loadIdentityMap(path, (p) => readFileSync(p, 'utf8')));
      expect(wrong).toBeInstanceOf(ConfigError);
      expect(wrong.message).toBe(
        `SIGNINS_IDENTITY_MAP (file ${path}): iamUsers["alice"] is "bob": expected a Slack user id (U… or W…, e.g. U0123ABCD) or an e-mail address`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says in one line that inline JSON is broken', () => {
    expect(() => loadIdentityMap('{"root": }', noFile)).toThrow(
      /^SIGNINS_IDENTITY_MAP \(inline JSON\) is not valid JSON: [^\n]+$/,
    );
    expect(() => loadIdentityMap('{"root": }', noFile)).toThrow(ConfigError);
  });
});
