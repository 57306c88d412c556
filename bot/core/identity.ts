// Who signed in, in words a responder reads at a glance, and what the record says about MFA.
import type { CloudTrailRecord } from './cloudtrail-record';
import { field } from './cloudtrail-record';
import type { Federation, IdentityType, Mfa } from './sign-in';
import { IDENTITY_TYPES } from './sign-in';

export const HIDDEN_USER_NAME = 'HIDDEN_DUE_TO_SECURITY_REASONS';
export const HIDDEN_USER_LABEL = 'unknown user (name hidden by AWS)';

// IAM Identity Center permission-set roles: AWSReservedSSO_<PermissionSet>_<16 hex>.
const SSO_ROLE = /^AWSReservedSSO_(.+?)(?:_[0-9a-f]{16})?$/;

export interface Identity {
  readonly identityType: IdentityType;
  readonly rawIdentityType: string | null;
  readonly principal: string;
  readonly arn: string | null;
  readonly federation: Federation;
  readonly roleName: string | null;
  readonly sessionName: string | null;
}

const lastSegment = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1) || arn;

const toIdentityType = (raw: string | undefined): IdentityType =>
  raw !== undefined && (IDENTITY_TYPES as readonly string[]).includes(raw)
    ? (raw as IdentityType)
    : 'Unknown';

const hiddenOr = (name: string | undefined): string | undefined =>
  name === HIDDEN_USER_NAME ? HIDDEN_USER_LABEL : name;

interface RoleSession {
  roleName: string | null;
  sessionName: string | null;
}

const roleSession = (record: CloudTrailRecord): RoleSession => {
  const ui = record.userIdentity;
  const fromArn = ui?.arn ? /:assumed-role\/([^/]+)\/(.+)$/.exec(ui.arn) : null;
  if (fromArn) return { roleName: fromArn[1] ?? null, sessionName: fromArn[2] ?? null };
  const issuerName = field(ui?.sessionContext?.sessionIssuer, 'userName') ?? null;
  const principalId = ui?.principalId;
  const session = principalId?.includes(':') ? principalId.slice(principalId.indexOf(':') + 1) : null;
  return { roleName: issuerName, sessionName: session };
};

const federationOf = (record: CloudTrailRecord, roleName: string | null): Federation => {
  const issuerArn = field(record.userIdentity?.sessionContext?.sessionIssuer, 'arn') ?? '';
  if ((roleName && SSO_ROLE.test(roleName)) || issuerArn.includes('/aws-reserved/sso.amazonaws.com/')) {
    return 'identity-center';
  }
  if (field(record.additionalEventData, 'SamlProviderArn')) return 'saml';
  if (record.eventName === 'SwitchRole' || field(record.additionalEventData, 'SwitchFrom'))
    return 'switch-role';
  return null;
};

const permissionSet = (roleName: string | null): string | null => {
  if (!roleName) return null;
  const m = SSO_ROLE.exec(roleName);
  return m?.[1] ?? null;
};

export const identityOf = (record: CloudTrailRecord): Identity => {
  const ui = record.userIdentity;
  const rawType = ui?.type;
  const identityType = toIdentityType(rawType);
  const arn = ui?.arn ?? null;
  const base = {
    identityType,
    rawIdentityType: rawType ?? null,
    arn,
    federation: null,
    roleName: null,
    sessionName: null,
  };
  switch (identityType) {
    case 'Root': {
      // userName on a Root identity is the account alias when one is set (or "root" in some exports).
      const alias = ui?.userName && ui.userName.toLowerCase() !== 'root' ? ui.userName : undefined;
      return { ...base, principal: alias ? `root (${alias})` : 'root' };
    }
    case 'IAMUser': {
      const name = hiddenOr(ui?.userName) ?? (arn ? lastSegment(arn) : undefined) ?? ui?.principalId;
      return { ...base, principal: name ?? 'unknown IAM user' };
    }
    case 'AssumedRole': {
      const { roleName, sessionName } = roleSession(record);
      const federation = federationOf(record, roleName);
      const set = permissionSet(roleName);
      const principal =
        set && sessionName
          ? `${sessionName} (${set})`
          : roleName && sessionName
            ? `${roleName}/${sessionName}`
            : (sessionName ?? roleName ?? ui?.principalId ?? 'unknown role session');
      return { ...base, principal, federation, roleName, sessionName };
    }
    case 'FederatedUser': {
      const m = arn ? /:federated-user\/(.+)$/.exec(arn) : null;
      const name = m?.[1] ?? ui?.principalId?.split(':').pop() ?? ui?.userName;
      return { ...base, principal: name ?? 'unknown federated user', federation: 'federation' };
    }
    case 'IdentityCenterUser':
    case 'Unknown': {
      const name =
        hiddenOr(ui?.userName) ??
        hiddenOr(field(record.additionalEventData, 'UserName')) ??
        field(ui?.onBehalfOf, 'userId') ??
        (arn ? lastSegment(arn) : undefined) ??
        ui?.principalId;
      return { ...base, principal: name ?? 'unknown user' };
    }
  }
};

const STRONG_FACTORS = /\b(TOTP|WEBAUTHN|SMARTCARD|U2F|RESYNC_TOTP)\b/i;

/** MFA as yes / no / idp / unknown. Federated sign-ins leave MFA to the IdP: never "no" for them. */
export const mfaOf = (record: CloudTrailRecord, identity: Identity): Mfa => {
  if (identity.federation === 'identity-center' || identity.federation === 'saml') return 'idp';
  if (field(record.additionalEventData, 'SamlProviderArn')) return 'idp';
  const credentialType = field(record.additionalEventData, 'CredentialType');
  if (credentialType && /EXTERNAL_IDP/i.test(credentialType)) return 'idp';
  if (record.eventName === 'UserAuthentication' && credentialType) {
    return STRONG_FACTORS.test(credentialType) ? 'yes' : 'no';
  }
  const mfaAuthenticated = field(record.userIdentity?.sessionContext?.attributes, 'mfaAuthenticated');
  if (identity.identityType === 'Root' || identity.identityType === 'IAMUser') {
    const used = field(record.additionalEventData, 'MFAUsed')?.toLowerCase();
    if (used === 'yes') return 'yes';
    if (used === 'no') return 'no';
  }
  if (mfaAuthenticated?.toLowerCase() === 'true') return 'yes';
  return 'unknown';
};
