import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';

/** Enrolment codes are compared case- and dash-insensitively and stored only as a SHA-256 hash. */
export const normaliseCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');
export const hashCode = (code: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(normaliseCode(code))));
