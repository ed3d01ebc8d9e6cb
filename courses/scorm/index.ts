/** SCORM 1.2 and 2004 for Oberih's courses: manifests, the CMI mapping, suspend data and the runtime. */
export * from './common/spec.ts';
export * from './common/time.ts';
export * from './common/suspend-data.ts';
export * from './common/draft.ts';
export * from './common/interactions.ts';
export * from './common/status.ts';
export * from './common/lms.ts';
export * from './common/api-finder.ts';
export * from './common/session.ts';
export { manifest12, SCHEMAS_12 } from './scorm12/manifest.ts';
export { manifest2004, SCHEMAS_2004 } from './scorm2004/manifest.ts';
export { format12, result12, scorm12 } from './scorm12/cmi.ts';
export { format2004, result2004, scorm2004 } from './scorm2004/cmi.ts';
