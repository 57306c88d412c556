// The CloudTrail record fields a sign-in needs, validated at the boundary. Unknown fields pass through;
// optional fields of the wrong type are treated as absent rather than failing the record.
import * as z from 'zod';
import { optObject, optString } from './lenient-schema';

export const SIGNIN_EVENT_SOURCE = 'signin.amazonaws.com';

export const userIdentitySchema = z.looseObject({
  type: optString,
  principalId: optString,
  arn: optString,
  accountId: optString,
  userName: optString,
  accessKeyId: optString,
  sessionContext: z
    .looseObject({
      attributes: optObject,
      sessionIssuer: optObject,
    })
    .optional()
    .catch(undefined),
  onBehalfOf: optObject,
});

export const cloudTrailRecordSchema = z.looseObject({
  eventSource: z.string({ error: 'eventSource is missing' }),
  eventName: z.string({ error: 'eventName is missing' }).min(1, 'eventName is empty'),
  eventID: optString,
  eventTime: z.unknown().optional(),
  eventType: optString,
  awsRegion: optString,
  sourceIPAddress: optString,
  userAgent: optString,
  errorCode: optString,
  errorMessage: optString,
  recipientAccountId: optString,
  userIdentity: userIdentitySchema.optional().catch(undefined),
  requestParameters: optObject,
  responseElements: optObject,
  serviceEventDetails: optObject,
  additionalEventData: optObject,
});

export type CloudTrailRecord = z.infer<typeof cloudTrailRecordSchema>;
export type UserIdentity = z.infer<typeof userIdentitySchema>;

/** Reads a string property from a loose object, treating empty strings and other types as absent. */
export const field = (obj: Record<string, unknown> | undefined, key: string): string | undefined => {
  const v = obj?.[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/** Does this parsed JSON value look like a CloudTrail record (of any service)? */
export const looksLikeCloudTrailRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null &&
  typeof value === 'object' &&
  !Array.isArray(value) &&
  typeof (value as Record<string, unknown>).eventSource === 'string';
