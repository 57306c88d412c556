// Raises a pipeline-health problem by two paths that do not depend on each other: the escalation topic
// (mail, SMS: needs neither Slack nor this bot's Slack token) and a critical card through the same delivery
// as every alert (when Slack works). One card per problem per hour, even if two sweepers race.
import { renderHealthProblemCard } from '../core/render/health-problem-card';
import { routeFor } from '../core/routing';
import { deliverAlert } from './delivery';
import { asDeliveryError } from './delivery-error';
import { healthEscalation } from './escalation-message';
import type { HealthAlerter, HealthProblem } from './health-watch';
import type { IngestDeps } from './ingest';

export const healthAlerter = (deps: IngestDeps, options: { deadline?: number } = {}): HealthAlerter => ({
  raise: async (problem: HealthProblem) => {
    const now = deps.clock.now();
    const failures: string[] = [];
    try {
      await deps.escalator.escalate(healthEscalation(problem));
    } catch (err) {
      failures.push(`escalation topic: ${asDeliveryError(err).message}`);
    }
    const route = routeFor(deps.routing, deps.defaultChannel, 'critical', null);
    if (route.post) {
      const alertId = `health:${problem.key}:${now.toISOString().slice(0, 13)}`;
      try {
        await deps.store.createAlert(
          {
            alertId,
            kind: 'health',
            subjectId: problem.key,
            severity: 'critical',
            channel: route.channel,
            message: renderHealthProblemCard(problem, now.toISOString()),
          },
          now,
        );
        await deliverAlert(alertId, deps, options);
      } catch (err) {
        failures.push(`card: ${asDeliveryError(err).message}`);
      }
    }
    // Both paths failed: the health watch keeps the problem and raises it again next hour.
    if (failures.length === (route.post ? 2 : 1))
      throw new Error(`health alert not raised: ${failures.join('; ')}`);
  },
});
