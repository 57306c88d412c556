// The responder loop's settings (issue 7): who may act on an alert, whom an escalation mentions, who is asked
// "was this you?" and when an unanswered alert escalates. Checked at synth, so a typo fails `cdk synth` instead of
// every click; passed to the three functions under the names the bot reads locally (shared/env-keys.ts).
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ENV } from '../shared/env-keys';
import { parseIdentityMap } from '../shared/identity-map';

/** Which posted sign-ins ask their subject at once: successes (default), every one, or none (the button only). */
export const AUTO_ASK = ['success', 'all', 'off'] as const;
export type AutoAsk = (typeof AUTO_ASK)[number];

/** Bounds of both timeouts, in minutes: at least one sweep, at most a day. */
export const TIMEOUT_MINUTES = { min: 1, max: 1440 } as const;

export interface ResponderSettings {
  /**
   * Slack user ids (`U…`, `W…`) and user group ids (`S…`) who may acknowledge and escalate (SIGNINS_RESPONDERS).
   * @default - members of the alert's channel
   */
  readonly responders?: readonly string[];
  /**
   * The Slack user or user group mentioned in the thread on escalation (SIGNINS_ONCALL).
   * @default - nobody is mentioned; the escalation topic still pages
   */
  readonly oncall?: string;
  /**
   * AWS principal → Slack user map, as JSON text or an object (SIGNINS_IDENTITY_MAP). Checked here to be a JSON
   * object; the bot checks its entries when it starts.
   * @default - only Identity Center and SAML e-mail names are matched, through users.lookupByEmail
   */
  readonly identityMap?: string | Readonly<Record<string, unknown>>;
  /**
   * Which posted sign-ins ask their subject "was this you?" at once (SIGNINS_AUTO_ASK).
   * @default - the bot's default, success
   */
  readonly autoAsk?: AutoAsk;
  /**
   * Minutes a "was this you?" DM may stay unanswered before the alert escalates (SIGNINS_ASK_TIMEOUT_MINUTES).
   * @default - the bot's default, 30
   */
  readonly askTimeoutMinutes?: number;
  /**
   * Minutes a critical alert may stay unacknowledged before it escalates (SIGNINS_ACK_TIMEOUT_MINUTES).
   * @default - the bot's default, 15
   */
  readonly ackTimeoutMinutes?: number;
}

/** A responder setting the bot would refuse; the message starts with the setting's (and context key's) name. */
export class ResponderSettingsError extends Error {
  override readonly name = 'ResponderSettingsError';
}

// Slack member ids start with U (or W on Enterprise Grid), user group ids with S.
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const GROUP_ID = /^S[A-Z0-9]{2,}$/;
const isSlackId = (id: string) => USER_ID.test(id) || GROUP_ID.test(id);
const ID_HINT = "is not a Slack user id (U…, W…: a profile's ⋮ menu → Copy member ID) or user group id (S…)";

const isAutoAsk = (value: string): value is AutoAsk => (AUTO_ASK as readonly string[]).includes(value);

/**
 * The `identityMap` context value as JSON text: inline JSON (it starts with `{` or `[`), or the path of a JSON
 * file, relative to `cwd`, read now — Lambda gets the text, never the path.
 */
const readIdentityMapSetting = (value: string, cwd = process.cwd()): string => {
  if (/^[{[]/.test(value)) return value;
  const file = path.resolve(cwd, value);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new ResponderSettingsError(
      `identityMap: no file "${value}" (in ${cwd}); give inline JSON such as '{"iamUsers":{"alice":"U0ALICE"}}' or the path of a JSON file`,
    );
  }
  const text = readFileSync(file, 'utf8');
  try {
    JSON.parse(text);
  } catch (error) {
    // Named here: the message below would not say which file.
    throw new ResponderSettingsError(`identityMap: ${value} is not JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return text;
};

/** The identity map as minified JSON text, or a ResponderSettingsError saying why it is not a JSON object. */
const identityMapValue = (map: NonNullable<ResponderSettings['identityMap']>): string => {
  let json: unknown = map;
  if (typeof map === 'string') {
    try {
      json = JSON.parse(map);
    } catch (error) {
      throw new ResponderSettingsError(`identityMap must be JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ResponderSettingsError(
      'identityMap must be a JSON object, such as {"iamUsers":{"alice":"U0ALICE"}}',
    );
  }
  // The bot's own check, at synth: a map it would refuse at start must not deploy (no card would post).
  try {
    parseIdentityMap(json);
  } catch (error) {
    throw new ResponderSettingsError(`identityMap: ${(error as Error).message}`, { cause: error });
  }
  return JSON.stringify(json);
};

const minutes = (key: 'askTimeoutMinutes' | 'ackTimeoutMinutes', value: number | undefined) => {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < TIMEOUT_MINUTES.min || value > TIMEOUT_MINUTES.max) {
    throw new ResponderSettingsError(
      `${key} must be a whole number from ${TIMEOUT_MINUTES.min} to ${TIMEOUT_MINUTES.max}, got "${value}"`,
    );
  }
  return String(value);
};

/**
 * The functions' environment for these settings: only what is set, so an unset one keeps the bot's default.
 * Throws a ResponderSettingsError for a value the bot would refuse.
 */
export const responderEnvironment = (settings: ResponderSettings = {}): Record<string, string> => {
  const env: Record<string, string> = {};
  const responders = settings.responders?.map((id) => id.trim()).filter(Boolean);
  if (responders?.length) {
    const bad = responders.find((id) => !isSlackId(id));
    if (bad !== undefined) throw new ResponderSettingsError(`responders: "${bad}" ${ID_HINT}`);
    env[ENV.responders] = [...new Set(responders)].join(',');
  }
  const oncall = settings.oncall?.trim();
  if (oncall) {
    if (oncall.includes(',')) {
      throw new ResponderSettingsError(`oncall is one Slack user or user group id, got "${oncall}"`);
    }
    if (!isSlackId(oncall)) throw new ResponderSettingsError(`oncall: "${oncall}" ${ID_HINT}`);
    env[ENV.oncall] = oncall;
  }
  if (settings.identityMap !== undefined) env[ENV.identityMap] = identityMapValue(settings.identityMap);
  if (settings.autoAsk !== undefined) {
    if (!isAutoAsk(settings.autoAsk)) {
      throw new ResponderSettingsError(`autoAsk must be ${AUTO_ASK.join(', ')}, got "${settings.autoAsk}"`);
    }
    env[ENV.autoAsk] = settings.autoAsk;
  }
  const ask = minutes('askTimeoutMinutes', settings.askTimeoutMinutes);
  if (ask !== undefined) env[ENV.askTimeoutMinutes] = ask;
  const ack = minutes('ackTimeoutMinutes', settings.ackTimeoutMinutes);
  if (ack !== undefined) env[ENV.ackTimeoutMinutes] = ack;
  return env;
};

/** The responder context keys as given on the command line or in cdk.json (numbers already read). */
export interface ResponderContext {
  readonly responders?: readonly string[];
  readonly oncall?: string;
  /** Inline JSON, or the path of a JSON file relative to `cwd`. */
  readonly identityMap?: string;
  readonly autoAsk?: string;
  readonly askTimeoutMinutes?: number;
  readonly ackTimeoutMinutes?: number;
}

/**
 * Settings from the context, checked as the construct will check them; the identity map file is read now.
 * `undefined` when no responder key is given. Throws a ResponderSettingsError.
 */
export const responderSettings = (
  context: ResponderContext,
  cwd = process.cwd(),
): ResponderSettings | undefined => {
  const { autoAsk, identityMap } = context;
  if (autoAsk !== undefined && !isAutoAsk(autoAsk)) {
    throw new ResponderSettingsError(`autoAsk must be ${AUTO_ASK.join(', ')}, got "${autoAsk}"`);
  }
  const settings: ResponderSettings = {
    ...context,
    autoAsk,
    identityMap: identityMap === undefined ? undefined : readIdentityMapSetting(identityMap, cwd),
  };
  const environment = responderEnvironment(settings);
  if (Object.keys(environment).length === 0) return undefined;
  // Hand on the minified map, so the construct and the template see the text the functions get.
  return { ...settings, identityMap: environment[ENV.identityMap] };
};
