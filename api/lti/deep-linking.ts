/**
 * Deep Linking 2.0: the instructor picks a course, a module or the final assessment, and the tool
 * answers the platform with a signed LtiDeepLinkingResponse carrying one ltiResourceLink with a line
 * item (score maximum 100), so the platform creates the activity and its gradebook column.
 */
import { SignJWT } from 'jose';
import type { LtiRegistration } from '../../db/repos/lti.ts';
import type { Deps } from '../deps.ts';
import { LTI } from './claims.ts';
import { signingKey } from './keys.ts';
import type { CatalogueItem } from './catalogue.ts';

export interface DeepLinkTicket {
  return_url: string;
  data?: string;
  deployment_id: string;
  locale: 'uk' | 'en';
}

export async function deepLinkResponse(
  deps: Pick<Deps, 'db' | 'now' | 'ltiKeyCipher'>,
  reg: LtiRegistration,
  ticket: DeepLinkTicket,
  item: CatalogueItem,
  launchUrl: string,
): Promise<string> {
  const { kid, key } = await signingKey(deps);
  const iat = Math.floor(deps.now().getTime() / 1000);
  const custom: Record<string, string> = { kind: item.kind, course: item.course };
  if (item.module) custom.module = item.module;
  return new SignJWT({
    nonce: crypto.randomUUID(),
    [`${LTI}message_type`]: 'LtiDeepLinkingResponse',
    [`${LTI}version`]: '1.3.0',
    [`${LTI}deployment_id`]: ticket.deployment_id,
    'https://purl.imsglobal.org/spec/lti-dl/claim/content_items': [
      {
        type: 'ltiResourceLink',
        title: item.title,
        url: launchUrl,
        custom,
        lineItem: { scoreMaximum: 100, label: item.title, resourceId: item.id, tag: 'oberih' },
      },
    ],
    ...(ticket.data !== undefined ? { 'https://purl.imsglobal.org/spec/lti-dl/claim/data': ticket.data } : {}),
  })
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setIssuer(reg.client_id)
    .setAudience(reg.issuer)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 600)
    .sign(key);
}
