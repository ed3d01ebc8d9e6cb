/** The LTI 1.3 claims the tool reads from an id_token, parsed with zod (IMS LTI Core 1.3, AGS 2.0, NRPS 2.0, DL 2.0). */
import { z } from 'zod';

export const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
export const AGS_ENDPOINT = 'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint';
export const NRPS_CLAIM = 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice';
export const DL_SETTINGS = 'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings';
export const SCOPE_SCORE = 'https://purl.imsglobal.org/spec/lti-ags/scope/score';
export const SCOPE_LINEITEM = 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem';
export const SCOPE_LINEITEM_READ = 'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly';
export const SCOPE_RESULT_READ = 'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly';
export const SCOPE_NRPS = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly';
export const TOOL_SCOPES = [SCOPE_LINEITEM, SCOPE_LINEITEM_READ, SCOPE_RESULT_READ, SCOPE_SCORE, SCOPE_NRPS];

export const MESSAGE_TYPES = ['LtiResourceLinkRequest', 'LtiDeepLinkingRequest'] as const;

const url = z.string().url().max(2000);
const text = (max: number) => z.string().max(max);

/** The claims of a launch (after the signature and the registered claims iss/aud/exp/iat were checked by jose). */
export const launchClaims = z.object({
  sub: text(255).min(1).optional(),
  nonce: text(255).min(1),
  azp: text(255).optional(),
  name: text(200).optional(),
  given_name: text(100).optional(),
  family_name: text(100).optional(),
  email: z.string().max(254).optional(),
  [`${LTI}message_type`]: z.string().max(60),
  [`${LTI}version`]: z.string().max(20),
  [`${LTI}deployment_id`]: text(255).min(1),
  [`${LTI}target_link_uri`]: url.optional(),
  [`${LTI}roles`]: z.array(text(300)).max(100).default([]),
  [`${LTI}resource_link`]: z
    .object({ id: text(255), title: text(300).optional() })
    .passthrough()
    .optional(),
  [`${LTI}context`]: z
    .object({ id: text(255), title: text(300).optional(), label: text(300).optional() })
    .passthrough()
    .optional(),
  [`${LTI}custom`]: z.record(z.unknown()).optional(),
  [`${LTI}launch_presentation`]: z
    .object({ locale: text(20).optional(), document_target: text(20).optional() })
    .passthrough()
    .optional(),
  [AGS_ENDPOINT]: z
    .object({ scope: z.array(text(200)).max(20).default([]), lineitem: url.optional(), lineitems: url.optional() })
    .passthrough()
    .optional(),
  [NRPS_CLAIM]: z.object({ context_memberships_url: url }).passthrough().optional(),
  [DL_SETTINGS]: z
    .object({
      deep_link_return_url: url,
      accept_types: z.array(text(60)).max(20).default([]),
      data: text(4000).optional(),
    })
    .passthrough()
    .optional(),
});
export type LaunchClaims = z.output<typeof launchClaims>;

const INSTRUCTOR_ROLES = [
  'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  'http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper',
];
/** Instructor (or content developer) in this context; anything else is a learner. */
export const isInstructorRole = (roles: readonly string[]) =>
  roles.some((r) => INSTRUCTOR_ROLES.includes(r) || r === 'Instructor');
