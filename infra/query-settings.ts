// Settings of `/signins` (issue 8): where a query older than the store looks back in CloudTrail event history,
// and how long a silence may last. Checked at synth with the bounds the bot checks (shared/env-keys.ts), and
// passed to the three functions only when set, so an unset one keeps the bot's default.
import { ENV, MAX_SILENCE_DAYS, REGION_CODE } from '../shared/env-keys';

export interface QuerySettings {
  /**
   * Regions `/signins` reads CloudTrail event history in, for windows older than the table (SIGNINS_HISTORY_REGIONS).
   * List every region sign-ins are recorded in: us-east-1 (root and global-endpoint sign-ins) and those your people
   * sign in through.
   * @default - us-east-1 and the stack's own region
   */
  readonly historyRegions?: readonly string[];
  /**
   * The longest a silence may last, in days, 1–90 (SIGNINS_MAX_SILENCE_DAYS).
   * @default 7
   */
  readonly maxSilenceDays?: number;
}

/** A query setting the bot would refuse; the message starts with the context key's name. */
export class QuerySettingsError extends Error {
  override readonly name = 'QuerySettingsError';
}

/** The functions' environment for these settings. Throws a QuerySettingsError for a value the bot would refuse. */
export const querySettingsEnvironment = (settings: QuerySettings = {}): Record<string, string> => {
  const env: Record<string, string> = {};
  if (settings.historyRegions !== undefined) {
    const regions = settings.historyRegions.map((r) => r.trim()).filter(Boolean);
    const bad = regions.find((r) => !REGION_CODE.test(r));
    if (bad !== undefined || regions.length === 0) {
      throw new QuerySettingsError(
        `historyRegions must list AWS region codes, comma-separated (such as us-east-1,eu-west-1); "${bad ?? ''}" is not one`,
      );
    }
    env[ENV.historyRegions] = [...new Set(regions)].join(',');
  }
  const days = settings.maxSilenceDays;
  if (days !== undefined) {
    if (!Number.isInteger(days) || days < MAX_SILENCE_DAYS.min || days > MAX_SILENCE_DAYS.max) {
      throw new QuerySettingsError(
        `maxSilenceDays must be a whole number from ${MAX_SILENCE_DAYS.min} to ${MAX_SILENCE_DAYS.max}, got "${days}"`,
      );
    }
    env[ENV.maxSilenceDays] = String(days);
  }
  return env;
};
