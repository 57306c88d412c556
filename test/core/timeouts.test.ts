// The time budgets hold together: the lease outlasts every function (test/infra checks the deployed
// timeouts), and what the handlers keep back covers the calls that may still run after their deadlines.
import {
  ALERT_LEASE_MS,
  FUNCTION_TIMEOUT_SECONDS,
  HANDLER_SAFETY_MS,
  MAX_AWS_CALL_MS,
} from '../../shared/timeouts';

describe('time budgets', () => {
  it('a lease outlasts every function that may hold it', () => {
    for (const seconds of Object.values(FUNCTION_TIMEOUT_SECONDS))
      expect(ALERT_LEASE_MS).toBeGreaterThan(seconds * 1000);
  });

  it('a store call started just before the store deadline ends before the function does', () => {
    expect(HANDLER_SAFETY_MS.store).toBeGreaterThan(MAX_AWS_CALL_MS);
  });

  it('after the last Slack call, the worker still has time to release what it holds', () => {
    expect(HANDLER_SAFETY_MS.slack - HANDLER_SAFETY_MS.store).toBeGreaterThanOrEqual(MAX_AWS_CALL_MS);
  });
});
