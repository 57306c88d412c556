// The checks `signins doctor` prints and the sweeper runs every hour: facts about an installation in, one
// verdict per check out (fine, broken with its fix, or could not check), and what changed since last time.
import { assertNever } from './assert-never';

export type CheckResult =
  | { readonly key: string; readonly status: 'ok'; readonly title: string }
  | { readonly key: string; readonly status: 'broken'; readonly title: string; readonly fix: string }
  | { readonly key: string; readonly status: 'unknown'; readonly title: string; readonly reason: string };
export type CheckStatus = CheckResult['status'];

export const ok = (key: string, title: string): CheckResult => ({ key, status: 'ok', title });
export const broken = (key: string, title: string, fix: string): CheckResult => ({
  key,
  status: 'broken',
  title,
  fix,
});
export const unknown = (key: string, title: string, reason: string): CheckResult => ({
  key,
  status: 'unknown',
  title,
  reason,
});

/** The line doctor prints: `✓ …`, `✗ … — fix: …` or `? … (could not check: …)`. */
export const formatLine = (result: CheckResult): string => {
  switch (result.status) {
    case 'ok':
      return `✓ ${result.title}`;
    case 'broken':
      return `✗ ${result.title} — fix: ${result.fix}`;
    case 'unknown':
      return `? ${result.title} (could not check: ${result.reason})`;
    default:
      return assertNever(result);
  }
};

export const allFine = (results: readonly CheckResult[]): boolean => results.every((r) => r.status === 'ok');

// --- what changed since the last run -----------------------------------------------------------------

const brokenKeys = (results: readonly CheckResult[]): Set<string> =>
  new Set(results.filter((r) => r.status === 'broken').map((r) => r.key));

/** Checks broken now that were not broken last time (a problem that stays broken is raised once). */
export const worsened = (
  previous: readonly CheckResult[],
  current: readonly CheckResult[],
): CheckResult[] => {
  const before = brokenKeys(previous);
  return current.filter((r) => r.status === 'broken' && !before.has(r.key));
};

/** Checks broken last time that are fine now. */
export const recovered = (
  previous: readonly CheckResult[],
  current: readonly CheckResult[],
): CheckResult[] => {
  const before = brokenKeys(previous);
  return current.filter((r) => r.status === 'ok' && before.has(r.key));
};

/**
 * What to remember for next time: a check that could not run keeps its last broken verdict, so that a
 * problem seen through a flaky check (broken, unknown, broken) is raised once, not twice.
 */
export const carryForward = (
  previous: readonly CheckResult[],
  current: readonly CheckResult[],
): CheckResult[] => {
  const before = new Map(previous.filter((r) => r.status === 'broken').map((r) => [r.key, r]));
  return current.map((r) => (r.status === 'unknown' ? (before.get(r.key) ?? r) : r));
};
