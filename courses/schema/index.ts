export * from './common.ts';
export * from './course.ts';
export * from './module.ts';
export * from './question.ts';
export * from './scenario.ts';
export * from './glossary.ts';
export * from './legal.ts';
export * from './help.ts';
