// Storm groups on DynamoDB. A pointer item per group key (`BURST#<key>`) names the open group's card; the
// counters live on that card's alert, so that the card, its counters and its redraw state are one item. Counts
// are ADDed (two workers counting one group lose nothing); a group is opened by creating its card first and
// then pointing at it on the condition that the pointer is still as read, so two workers opening one group at
// once give one card: the loser withdraws its own (still pending, never tried) card and joins the winner's.
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { PENDING_INDEX, TABLE_KEYS } from '../../shared/table-schema';
import { joinsBurst } from '../core/burst';
import type { BurstJoin, BurstJoinRequest } from '../ports';
import { newValues, openingCounters } from './burst-card';
import { type ItemsRead, isConditionFailure, putNew, UpdateBuilder } from './dynamodb-table';
import { alertKey, BURST_ATTRS, keyId, newAlertItem, TIMER_PARTITION } from './store-records';

const { partitionKey: PK, sortKey: SK, ttlAttribute: TTL } = TABLE_KEYS;
/** Rounds of read-and-write before giving way (each lost round means someone else's write landed). */
const MAX_ROUNDS = 6;
const DAY_MS = 86_400_000;

const pointerKey = (key: string) => ({ [PK]: `BURST#${keyId(key)}`, [SK]: 'BURST' });

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export class DynamoBursts {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly reads: ItemsRead,
    private readonly tableName: string,
  ) {}

  async join(req: BurstJoinRequest, now: Date): Promise<BurstJoin> {
    const mine = req.alert.alertId;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const pointed = await this.pointer(req.key);
      if (pointed && (await this.countOn(pointed, req))) return { kind: 'joined', alertId: pointed };
      const created = await this.createCard(req, now);
      if (await this.point(req, pointed)) return { kind: 'opened', alertId: mine };
      // Someone opened the group first. A card of ours that nobody tried yet is withdrawn, and the run joins
      // theirs; one already being posted (the sweeper was quick) stays a card of its own.
      const last = round === MAX_ROUNDS - 1;
      if (last || !created || !(await this.withdraw(mine))) return { kind: 'opened', alertId: mine };
    }
    return { kind: 'opened', alertId: mine };
  }

  private async pointer(key: string): Promise<string | null> {
    const res = await this.reads.of(
      this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: pointerKey(key), ConsistentRead: true }),
      ),
    );
    return str(res.Item?.alertId);
  }

  /** Adds the run to the group's card; false when the card is not that group's or the run is outside its window. */
  private async countOn(alertId: string, req: BurstJoinRequest): Promise<boolean> {
    const run = req.counters;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const res = await this.reads.of(
        this.doc.send(
          new GetCommand({ TableName: this.tableName, Key: alertKey(alertId), ConsistentRead: true }),
        ),
      );
      const item = res.Item;
      const first = str(item?.[BURST_ATTRS.first]);
      const last = str(item?.[BURST_ATTRS.last]);
      if (!item || item[BURST_ATTRS.key] !== req.key || !first || !last) return false;
      if (!joinsBurst({ first, last }, run, req.windowMs)) return false;
      const u = new UpdateBuilder().condition('{burstKey} = {v0}', [BURST_ATTRS.key], [req.key]);
      if (run.count > 0) u.add(BURST_ATTRS.count, run.count);
      if (run.failures > 0) u.add(BURST_ATTRS.failures, run.failures);
      const users = newValues(item[BURST_ATTRS.users], run.users);
      const ips = newValues(item[BURST_ATTRS.ips], run.ips);
      if (users.size > 0) u.add(BURST_ATTRS.users, users);
      if (ips.size > 0) u.add(BURST_ATTRS.ips, ips);
      // The group's span only widens; each widening is conditional on the span read, so none is lost.
      if (run.last > last)
        u.set(BURST_ATTRS.last, run.last).condition('{burstLast} = {v0}', [BURST_ATTRS.last], [last]);
      if (run.first < first)
        u.set(BURST_ATTRS.first, run.first).condition('{burstFirst} = {v0}', [BURST_ATTRS.first], [first]);
      if (u.isEmpty) return true;
      try {
        await this.doc.send(new UpdateCommand(u.build(this.tableName, alertKey(alertId))));
        return true;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    }
    // Still racing after every round: the counts go in without widening the span, never lost.
    const u = new UpdateBuilder().condition('{burstKey} = {v0}', [BURST_ATTRS.key], [req.key]);
    u.add(BURST_ATTRS.count, run.count).add(BURST_ATTRS.failures, run.failures);
    try {
      await this.doc.send(new UpdateCommand(u.build(this.tableName, alertKey(alertId))));
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /** The run's first sign-in's card, with the run's counters; false when it exists already (a redelivery). */
  private async createCard(req: BurstJoinRequest, now: Date): Promise<boolean> {
    const opening = openingCounters(req.counters, req.leadUp);
    return putNew(this.doc, this.tableName, {
      ...newAlertItem(req.alert, now),
      [BURST_ATTRS.key]: req.key,
      [BURST_ATTRS.count]: opening.count,
      [BURST_ATTRS.failures]: opening.failures,
      [BURST_ATTRS.first]: opening.first,
      [BURST_ATTRS.last]: opening.last,
      // DynamoDB refuses an empty set.
      ...(opening.users.size > 0 ? { [BURST_ATTRS.users]: opening.users } : {}),
      ...(opening.ips.size > 0 ? { [BURST_ATTRS.ips]: opening.ips } : {}),
      [BURST_ATTRS.drawn]: 0,
    });
  }

  /** Points the group key at the run's card, if the pointer is still as read. */
  private async point(req: BurstJoinRequest, seen: string | null): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...pointerKey(req.key),
            alertId: req.alert.alertId,
            // Kept a day past the window after the run's last sign-in; a later run opens a new group anyway.
            [TTL]: Math.floor((Date.parse(req.counters.last) + req.windowMs + DAY_MS) / 1000),
          },
          ConditionExpression: seen === null ? 'attribute_not_exists(#pk)' : 'alertId = :seen',
          ...(seen === null
            ? { ExpressionAttributeNames: { '#pk': PK } }
            : { ExpressionAttributeValues: { ':seen': seen } }),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  /** Deletes a card nobody has tried to post yet; false when it is already being posted. */
  private async withdraw(alertId: string): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: alertKey(alertId),
          ConditionExpression: '#status = :pending AND attempts = :zero',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':zero': 0 },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async claimRedraw(alertId: string, nextAt: Date, now: Date): Promise<boolean> {
    return this.conditional(
      new UpdateBuilder()
        .set(BURST_ATTRS.redrawAt, nextAt.toISOString())
        .condition(
          '{status} = {v0} AND attribute_exists({burstKey})',
          ['status', BURST_ATTRS.key],
          ['posted'],
        )
        .condition(
          'attribute_not_exists({burstRedrawAt}) OR {burstRedrawAt} <= {v0}',
          [BURST_ATTRS.redrawAt],
          [now.toISOString()],
        ),
      alertId,
    );
  }

  async markDrawn(alertId: string, count: number, nextAt: Date | null): Promise<void> {
    const u = new UpdateBuilder()
      .set(BURST_ATTRS.drawn, count)
      .condition('attribute_exists({burstKey})', [BURST_ATTRS.key])
      .condition('attribute_not_exists({burstDrawn}) OR {burstDrawn} < {v0}', [BURST_ATTRS.drawn], [count]);
    if (nextAt) u.set(BURST_ATTRS.redrawAt, nextAt.toISOString());
    await this.conditional(u, alertId);
  }

  async defer(alertId: string, until: Date): Promise<void> {
    await this.conditional(
      new UpdateBuilder()
        .set(BURST_ATTRS.redrawAt, until.toISOString())
        .condition('attribute_exists({burstKey})', [BURST_ATTRS.key])
        .condition(
          'attribute_not_exists({burstRedrawAt}) OR {burstRedrawAt} < {v0}',
          [BURST_ATTRS.redrawAt],
          [until.toISOString()],
        ),
      alertId,
    );
  }

  async scheduleTimer(alertId: string, at: Date): Promise<void> {
    await this.conditional(
      new UpdateBuilder()
        .set(PENDING_INDEX.partitionKey, TIMER_PARTITION)
        .set(PENDING_INDEX.sortKey, at.toISOString())
        .condition('{status} = {v0}', ['status'], ['posted'])
        .condition(
          `attribute_not_exists({${PENDING_INDEX.sortKey}}) OR {${PENDING_INDEX.sortKey}} > {v0}`,
          [PENDING_INDEX.sortKey],
          [at.toISOString()],
        ),
      alertId,
    );
  }

  private async conditional(u: UpdateBuilder, alertId: string): Promise<boolean> {
    try {
      await this.doc.send(new UpdateCommand(u.build(this.tableName, alertKey(alertId))));
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }
}
