/**
 * Validating a launch's id_token completely (LTI Core 1.3 §5.1.3, IMS Security Framework §5.1.3):
 * the state row and the browser's state cookie, the registration (known and enabled), the RS256
 * signature against the platform's JWKS, iss, aud/azp, exp/iat with 60 s of skew, the nonce (the one
 * sent, and never seen before), the deployment id, the message type and the LTI version. Nothing is
 * written before these pass except the nonce and the state's use, so a rejected launch creates no account.
 */
import { decodeJwt, errors, jwtVerify } from 'jose';
import { ltiRepo, type LtiRegistration } from '../../db/repos/lti.ts';
import { zodFields } from '../errors.ts';
import type { Deps } from '../deps.ts';
import { launchClaims, LTI, MESSAGE_TYPES, type LaunchClaims } from './claims.ts';
import { platformKeys } from './platform-keys.ts';
import { UnsafeUrlError } from './safe-url.ts';

export const CLOCK_SKEW_S = 60;
/** The oldest `iat` accepted (plus skew). */
export const MAX_TOKEN_AGE_S = 10 * 60;

export class LaunchError extends Error {
  constructor(
    readonly status: 400 | 401 | 403,
    /** A stable code for logs and tests, e.g. `expired`, `wrong_audience`. */
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'LaunchError';
  }
}

export interface ValidLaunch {
  registration: LtiRegistration;
  claims: LaunchClaims;
  messageType: (typeof MESSAGE_TYPES)[number];
}

export interface StateRow {
  state: string;
  nonce: string;
  registration_id: number;
  login_params: string;
  expires_at: string;
  used_at: string | null;
}

/** The state row for a posted `state`, or a LaunchError when it is unknown or expired. */
export async function launchState(deps: Pick<Deps, 'db' | 'now'>, state: string): Promise<StateRow> {
  const row = await ltiRepo(deps.db).state(state);
  if (!row || Date.parse(row.expires_at) <= deps.now().getTime())
    throw new LaunchError(400, 'unknown_state', 'the launch state is unknown or has expired: start the activity again');
  return row;
}

function joseReason(e: unknown): LaunchError {
  if (e instanceof LaunchError) return e;
  if (e instanceof UnsafeUrlError) return new LaunchError(401, 'jwks_refused', e.message);
  if (e instanceof errors.JWTExpired) return new LaunchError(401, 'expired', 'the id_token has expired');
  if (e instanceof errors.JWTClaimValidationFailed) {
    if (e.claim === 'iss') return new LaunchError(401, 'wrong_issuer', 'the id_token was issued by another platform');
    if (e.claim === 'aud') return new LaunchError(401, 'wrong_audience', 'the id_token is not addressed to this tool');
    if (e.claim === 'iat')
      return new LaunchError(401, 'bad_iat', 'the id_token was issued too long ago or in the future');
    return new LaunchError(401, 'invalid_claim', `the id_token's ${e.claim} claim is not valid: ${e.reason}`);
  }
  if (e instanceof errors.JOSEAlgNotAllowed || e instanceof errors.JOSENotSupported)
    return new LaunchError(401, 'unsigned', 'the id_token is not signed with RS256 (unsigned tokens are refused)');
  if (e instanceof errors.JWSSignatureVerificationFailed)
    return new LaunchError(401, 'bad_signature', "the id_token's signature does not match the platform's keys");
  if (e instanceof errors.JWKSNoMatchingKey)
    return new LaunchError(401, 'unknown_key', "no key in the platform's JWKS matches the id_token");
  if (e instanceof errors.JWKSTimeout)
    return new LaunchError(401, 'jwks_unreachable', "the platform's JWKS URL did not answer in time");
  if (e instanceof errors.JWKSInvalid || (e instanceof errors.JOSEError && e.code === 'ERR_JWKS_INVALID'))
    return new LaunchError(401, 'jwks_invalid', "the platform's JWKS URL did not return a valid key set");
  if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid)
    return new LaunchError(400, 'malformed_token', 'the id_token is not a well-formed signed JWT');
  if (e instanceof errors.JOSEError && /JSON Web Key Set/i.test(e.message))
    return /Expected 200/i.test(e.message)
      ? new LaunchError(401, 'jwks_unreachable', "the platform's JWKS URL answered with an error status")
      : new LaunchError(401, 'jwks_invalid', "the platform's JWKS URL did not return a valid key set");
  if (e instanceof errors.JOSEError)
    return new LaunchError(401, 'invalid_token', `the id_token was refused (${e.code})`);
  // A network error (refused connection, DNS) or junk that is not JSON.
  const msg = (e as Error)?.message ?? String(e);
  if (/JSON|Unexpected token/i.test(msg))
    return new LaunchError(401, 'jwks_invalid', "the platform's JWKS URL did not return a valid key set");
  return new LaunchError(401, 'jwks_unreachable', `the platform's JWKS URL could not be fetched (${msg.slice(0, 80)})`);
}

/** Validate a posted id_token against its state row (already matched to the browser's cookie). */
export async function validateIdToken(
  deps: Pick<Deps, 'db' | 'now' | 'config'>,
  idToken: string,
  state: StateRow,
): Promise<ValidLaunch> {
  const repo = ltiRepo(deps.db);
  const registration = await repo.registration(state.registration_id);
  if (!registration) throw new LaunchError(400, 'unknown_registration', 'the platform is no longer registered');
  if (!registration.enabled)
    throw new LaunchError(403, 'registration_disabled', 'launches from this platform are switched off by an admin');
  try {
    decodeJwt(idToken);
  } catch {
    throw new LaunchError(400, 'malformed_token', 'the id_token is not a well-formed JWT');
  }
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(idToken, platformKeys(deps, registration.jwks_url), {
      issuer: registration.issuer,
      audience: registration.client_id,
      algorithms: ['RS256'],
      clockTolerance: CLOCK_SKEW_S,
      maxTokenAge: MAX_TOKEN_AGE_S,
      currentDate: deps.now(),
      requiredClaims: ['exp', 'iat', 'nonce'],
    }));
  } catch (e) {
    throw joseReason(e);
  }
  // azp: required when there are several audiences, and then (or whenever present) it must be us.
  const aud = payload.aud;
  if (
    (Array.isArray(aud) && aud.length > 1 && payload.azp === undefined) ||
    (payload.azp !== undefined && payload.azp !== registration.client_id)
  )
    throw new LaunchError(401, 'wrong_audience', 'the id_token is authorised for another client (azp)');
  const parsed = launchClaims.safeParse(payload);
  if (!parsed.success) {
    const [field, msg] = Object.entries(zodFields(parsed.error))[0]!;
    throw new LaunchError(400, 'invalid_claims', `the id_token's claim ${field} is not valid: ${msg}`);
  }
  const claims = parsed.data;
  if (claims[`${LTI}version`] !== '1.3.0')
    throw new LaunchError(400, 'wrong_version', `LTI version ${claims[`${LTI}version`]} is not supported (1.3.0 is)`);
  const messageType = claims[`${LTI}message_type`];
  if (!(MESSAGE_TYPES as readonly string[]).includes(messageType))
    throw new LaunchError(
      400,
      'unsupported_message_type',
      `the message type ${messageType.slice(0, 40)} is not supported`,
    );
  const deployments = JSON.parse(registration.deployment_ids) as string[];
  if (!deployments.includes(claims[`${LTI}deployment_id`]))
    throw new LaunchError(
      403,
      'unknown_deployment',
      'the deployment id of this launch is not registered with the tool',
    );
  if (claims.nonce !== state.nonce)
    throw new LaunchError(401, 'nonce_mismatch', 'the id_token does not carry the nonce this browser was sent');
  const at = deps.now();
  if (!(await repo.useNonce(registration.id, claims.nonce, new Date(at.getTime() + 2 * 3600_000).toISOString())))
    throw new LaunchError(401, 'replayed_nonce', 'this id_token was already used (replayed nonce)');
  if (!(await repo.useState(state.state, at.toISOString())))
    throw new LaunchError(400, 'state_used', 'this launch was already completed: start the activity again');
  return { registration, claims, messageType: messageType as ValidLaunch['messageType'] };
}
