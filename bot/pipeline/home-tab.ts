// The App Home tab: alerts still waiting on people, silences in force or coming, and the last 24 hours at a
// glance. Each part is read on its own: one that fails shows as missing, not as an empty home.
import { renderHome } from '../core/render/home-view';
import { accountNames, type Routing } from '../core/routing';
import { silenceState } from '../core/silence';
import type { BotStore, Clock, Logger } from '../ports';

export interface HomeTabDeps {
  readonly store: BotStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly routing: Routing;
  /** Who may see it: alerts, silences and activity are for responders (the alerts' channel may be private). */
  readonly isResponder: (user: string) => Promise<boolean>;
}

/** Alerts shown at most (each is one read). */
const OPEN_ALERTS = 15;
/** Alerts with responder work due within this horizon count as waiting on people. */
const WAITING_HORIZON_MS = 7 * 86_400_000;

const NOT_A_RESPONDER: ReturnType<typeof renderHome> = {
  type: 'home',
  blocks: [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: 'signins shows AWS console sign-ins, open alerts and silences here to its responders. Ask whoever runs signins to add you.',
      },
    },
  ],
};

export class HomeTab {
  constructor(private readonly deps: HomeTabDeps) {}

  async view(user: string): Promise<ReturnType<typeof renderHome>> {
    const now = this.deps.clock.now();
    if (!(await this.deps.isResponder(user).catch(() => false))) return NOT_A_RESPONDER;
    const [openAlerts, silences, summary] = await Promise.all([
      this.openAlerts(now),
      this.deps.store.listSilences(now).catch((err) => this.failed('silences', err, [])),
      this.deps.store
        .readActivity(new Date(now.getTime() - 86_400_000), now, now)
        .catch((err) => this.failed('activity', err, null)),
    ]);
    this.deps.logger.info('home tab', { user, openAlerts: openAlerts.length, silences: silences.length });
    return renderHome({
      openAlerts,
      silences: silences.filter((s) => silenceState(s, now) !== 'expired'),
      summary,
      now,
      accountNames: accountNames(this.deps.routing),
    });
  }

  /**
   * Posted alerts the bot is still waiting on people for: an ask unanswered, a critical alert not acknowledged
   * (the ones with a responder timer).
   */
  private async openAlerts(now: Date) {
    try {
      const ids = await this.deps.store.listDueResponses(
        new Date(now.getTime() + WAITING_HORIZON_MS),
        OPEN_ALERTS,
      );
      const alerts = await Promise.all(ids.map((id) => this.deps.store.getAlert(id).catch(() => null)));
      return alerts.flatMap((a) =>
        a?.ts && a.response && a.response.state !== 'resolved'
          ? [
              {
                alertId: a.alertId,
                headline: a.message.text,
                state: a.response.state,
                channel: a.channel,
                ts: a.ts,
                postedAt: a.response.postedAt,
              },
            ]
          : [],
      );
    } catch (err) {
      return this.failed('open alerts', err, []);
    }
  }

  private failed<T>(what: string, err: unknown, fallback: T): T {
    this.deps.logger.warn('home tab part not read', { what, error: (err as Error).message });
    return fallback;
  }
}
