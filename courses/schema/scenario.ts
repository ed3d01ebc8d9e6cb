import { z } from 'zod';
import { idSchema, textSchema } from './common.ts';

/** How an ending of a case scenario is judged. */
export const outcomeSchema = z.enum(['good', 'acceptable', 'harmful']);
export type ScenarioOutcome = z.output<typeof outcomeSchema>;

/** A choice the learner can make at a node. */
const choiceSchema = z
  .object({
    /** Choice id, unique within its node. */
    id: idSchema,
    /** Id of the node this choice leads to. */
    next: idSchema,
    uk: z.object({ text: textSchema, feedback: textSchema }).strict(),
    en: z.object({ text: textSchema, feedback: textSchema }).strict(),
  })
  .strict();

/** A step of the scenario: either a decision point (with `choices`) or an ending (with `outcome`). */
const nodeSchema = z
  .object({
    /** Node id, unique within the scenario. */
    id: idSchema,
    /** What happens at this point, per locale. */
    uk: z.object({ text: textSchema }).strict(),
    en: z.object({ text: textSchema }).strict(),
    /** The learner's options; absent on an ending. */
    choices: z.array(choiceSchema).min(2).max(6).optional(),
    /** How this ending is judged; only on an ending. */
    outcome: outcomeSchema.optional(),
  })
  .strict()
  .refine((n) => (n.choices ? !n.outcome : !!n.outcome), {
    message: 'a node has either "choices" (a decision) or "outcome" (an ending), not both or neither',
  });

/** `content/courses/<slug>/scenarios/<id>.yaml`: a fictional, branching case scenario. */
export const scenarioSchema = z
  .object({
    /** Scenario id; must equal the file name. */
    id: idSchema,
    /** Module the scenario belongs to. */
    module: idSchema,
    /** Title per locale. */
    title: z.object({ uk: textSchema, en: textSchema }).strict(),
    /** Id of the first node. */
    start: idSchema,
    /** All nodes. */
    nodes: z.array(nodeSchema).min(2),
  })
  .strict()
  .superRefine((s, ctx) => {
    const ids = new Set<string>();
    s.nodes.forEach((n, i) => {
      if (ids.has(n.id))
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['nodes', i, 'id'], message: `duplicate node id "${n.id}"` });
      ids.add(n.id);
    });
    if (!ids.has(s.start))
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['start'], message: `start node "${s.start}" does not exist` });
    s.nodes.forEach((n, i) =>
      n.choices?.forEach((c, j) => {
        if (!ids.has(c.next))
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['nodes', i, 'choices', j, 'next'],
            message: `choice leads to missing node "${c.next}"`,
          });
      }),
    );
    if (!s.nodes.some((n) => n.outcome === 'good'))
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['nodes'],
        message: 'a scenario needs at least one "good" ending',
      });
  });

export type Scenario = z.output<typeof scenarioSchema>;
