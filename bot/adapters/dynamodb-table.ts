// How the store talks to its one table: the definition for local stores (dynalite) and tests (infra/ builds
// the same with CDK), a counter of the items every read returns or examines, update expressions built
// within DynamoDB's limits, and the batch calls with their unprocessed items retried.
import { ConditionalCheckFailedException, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { TABLE_INDEXES, TABLE_KEYS } from '../../shared/table-schema';

export const createTableInput = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    ...new Set([
      TABLE_KEYS.partitionKey,
      TABLE_KEYS.sortKey,
      ...TABLE_INDEXES.flatMap((index) => [index.partitionKey, index.sortKey]),
    ]),
  ].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
  KeySchema: [
    { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
    { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: TABLE_INDEXES.map((index) => ({
    IndexName: index.name,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: { ProjectionType: index.projection },
  })),
});

export type Item = Record<string, unknown>;

/** A write refused by its condition: someone else's write came first, not a failure of the store. */
export const isConditionFailure = (err: unknown): boolean => err instanceof ConditionalCheckFailedException;

/** Writes an item only where none has its key yet; false when one had (a redelivery, or a race lost). */
export const putNew = async (
  doc: DynamoDBDocumentClient,
  tableName: string,
  item: Item,
): Promise<boolean> => {
  try {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
};
export type Key = Record<string, string>;

/**
 * Items read through the store: every item a Get or BatchGet returns and every item a Query examines
 * (ScannedCount, before its filter), which is what DynamoDB bills and what makes a query slow.
 */
export class ItemsRead {
  private count = 0;

  get total(): number {
    return this.count;
  }

  /** Counts what one response read, and hands it back. */
  async of<T extends ReadOutput>(response: Promise<T>): Promise<T> {
    const out = await response;
    this.count += itemsIn(out);
    return out;
  }

  add(n: number): void {
    this.count += n;
  }
}

interface ReadOutput {
  readonly Item?: unknown;
  readonly ScannedCount?: number;
  readonly Count?: number;
  readonly Responses?: Record<string, readonly unknown[]>;
}

const itemsIn = (out: ReadOutput): number => {
  if (out.ScannedCount !== undefined) return out.ScannedCount;
  if (out.Count !== undefined) return out.Count;
  if (out.Responses) return Object.values(out.Responses).reduce((n, items) => n + items.length, 0);
  return out.Item ? 1 : 0;
};

/** DynamoDB refuses an expression over 4 KB (dynalite does not check: this code does). */
const EXPRESSION_LIMIT = 4_096;

export class ExpressionTooLongError extends Error {
  override readonly name = 'ExpressionTooLongError';
}

/**
 * One UpdateItem's expression, built clause by clause with short placeholders (`#a`, `:a`), so that a
 * batch's many counters fit in as few updates as DynamoDB's expression limit allows.
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-expression-parameters
 */
export class UpdateBuilder {
  private readonly adds: string[] = [];
  private readonly sets: string[] = [];
  private readonly deletes: string[] = [];
  private readonly removes: string[] = [];
  private readonly conditions: string[] = [];
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, unknown> = {};
  private readonly nameOf = new Map<string, string>();
  private next = 0;

  get isEmpty(): boolean {
    return this.adds.length + this.sets.length + this.deletes.length + this.removes.length === 0;
  }

  name(attribute: string): string {
    let placeholder = this.nameOf.get(attribute);
    if (!placeholder) {
      placeholder = `#${(this.next++).toString(36)}`;
      this.nameOf.set(attribute, placeholder);
      this.names[placeholder] = attribute;
    }
    return placeholder;
  }

  value(v: unknown): string {
    const placeholder = `:${(this.next++).toString(36)}`;
    this.values[placeholder] = v;
    return placeholder;
  }

  private push(list: string[], clause: string): this {
    list.push(clause);
    return this;
  }

  /** Adds to a number, or to a set (created when missing). */
  add(attribute: string, v: number | Set<string>): this {
    return this.push(this.adds, `${this.name(attribute)} ${this.value(v)}`);
  }

  set(attribute: string, v: unknown): this {
    return this.push(this.sets, `${this.name(attribute)} = ${this.value(v)}`);
  }

  setIfMissing(attribute: string, v: unknown): this {
    const n = this.name(attribute);
    return this.push(this.sets, `${n} = if_not_exists(${n}, ${this.value(v)})`);
  }

  /** Removes elements from a set. */
  delete(attribute: string, v: Set<string>): this {
    return this.push(this.deletes, `${this.name(attribute)} ${this.value(v)}`);
  }

  remove(attribute: string): this {
    return this.push(this.removes, this.name(attribute));
  }

  /** An expression with `{name}` for attribute names and `{v0}`… for `values` in order. */
  condition(expression: string, attributes: readonly string[], values: readonly unknown[] = []): this {
    let text = expression;
    for (const a of attributes) text = text.replaceAll(`{${a}}`, this.name(a));
    values.forEach((v, i) => {
      text = text.replaceAll(`{v${i}}`, this.value(v));
    });
    this.conditions.push(`(${text})`);
    return this;
  }

  build(tableName: string, key: Key): UpdateCommandInput {
    const parts = [
      this.sets.length > 0 ? `SET ${this.sets.join(', ')}` : '',
      this.adds.length > 0 ? `ADD ${this.adds.join(', ')}` : '',
      this.deletes.length > 0 ? `DELETE ${this.deletes.join(', ')}` : '',
      this.removes.length > 0 ? `REMOVE ${this.removes.join(', ')}` : '',
    ].filter((p) => p !== '');
    const condition = this.conditions.join(' AND ');
    for (const expression of [parts.join(' '), condition])
      if (expression.length > EXPRESSION_LIMIT)
        throw new ExpressionTooLongError(`an update expression of ${expression.length} characters: split it`);
    return {
      TableName: tableName,
      Key: key,
      UpdateExpression: parts.join(' '),
      ...(condition ? { ConditionExpression: condition } : {}),
      ExpressionAttributeNames: this.names,
      ...(Object.keys(this.values).length > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

const BATCH_GET_KEYS = 100;
const BATCH_WRITE_ITEMS = 25;
const MAX_BATCH_ROUNDS = 8;

// The SDK retries a failed call, not the unprocessed part of a successful batch call: that part is asked
// again here, with exponential backoff as DynamoDB recommends.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html
const backoff = (round: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 25 * 2 ** round)));

export class UnprocessedItemsError extends Error {
  override readonly name = 'UnprocessedItemsError';
}

/**
 * Reads items by key, 100 keys a call, asking again for the keys DynamoDB left unprocessed (throttling).
 * `projection` names the attributes to return (all when absent).
 */
export const batchGet = async (
  doc: DynamoDBDocumentClient,
  reads: ItemsRead,
  tableName: string,
  keys: readonly Key[],
  projection?: readonly string[],
): Promise<Item[]> => {
  const out: Item[] = [];
  const projectionInput = projection
    ? {
        ProjectionExpression: projection.map((_, i) => `#p${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(projection.map((p, i) => [`#p${i}`, p])),
      }
    : {};
  for (let i = 0; i < keys.length; i += BATCH_GET_KEYS) {
    let pending: Key[] = keys.slice(i, i + BATCH_GET_KEYS);
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_BATCH_ROUNDS)
        throw new UnprocessedItemsError(`${pending.length} key(s) still unread after ${round} tries`);
      if (round > 0) await backoff(round);
      const res = await reads.of(
        doc.send(
          new BatchGetCommand({
            RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true, ...projectionInput } },
          }),
        ),
      );
      out.push(...(res.Responses?.[tableName] ?? []));
      pending = (res.UnprocessedKeys?.[tableName]?.Keys ?? []) as Key[];
    }
  }
  return out;
};

/** Puts items, 25 a call, putting again what DynamoDB left unprocessed. Not conditional: a put replaces. */
export const batchPut = async (
  doc: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Item[],
): Promise<void> => {
  for (let i = 0; i < items.length; i += BATCH_WRITE_ITEMS) {
    let pending = items.slice(i, i + BATCH_WRITE_ITEMS).map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_BATCH_ROUNDS)
        throw new UnprocessedItemsError(`${pending.length} item(s) still unwritten after ${round} tries`);
      if (round > 0) await backoff(round);
      const res = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (res.UnprocessedItems?.[tableName] ?? []).flatMap((r) =>
        r.PutRequest?.Item ? [{ PutRequest: { Item: r.PutRequest.Item } }] : [],
      );
    }
  }
};

/** Runs `work` over `items`, at most `limit` at a time (DynamoDB calls are I/O: a few in flight go faster). */
export const inParallel = async <T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> => {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
};
