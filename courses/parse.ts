import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import type { z } from 'zod';

/** A course file that does not match its schema: names the file, the line and the field, and says what was expected. */
export class ContentError extends Error {
  constructor(
    readonly file: string,
    readonly problems: { line?: number; field: string; message: string }[],
  ) {
    super(
      `Invalid course file ${file}:\n` +
        problems.map((p) => `  ${file}${p.line ? `:${p.line}` : ''} → ${p.field || '(root)'}: ${p.message}`).join('\n'),
    );
    this.name = 'ContentError';
  }
}

function lineOf(doc: Document, counter: LineCounter, path: (string | number)[]): number | undefined {
  // Walk up the path until a node with a position is found (a missing field points at its parent).
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

/**
 * Parse YAML text and validate it with a zod schema; on failure throw a `ContentError` naming
 * file, line and field. `lineOffset` shifts lines for YAML embedded in another file (MDX frontmatter).
 */
export function parseYamlWith<S extends z.ZodTypeAny>(
  schema: S,
  text: string,
  file: string,
  lineOffset = 0,
): z.output<S> {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    throw new ContentError(
      file,
      doc.errors.map((e) => ({
        line: (e.linePos?.[0]?.line ?? 0) + lineOffset || undefined,
        field: '',
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  return validateWith(schema, doc.toJS(), file, (path) => {
    const line = lineOf(doc, counter, path);
    return line === undefined ? undefined : line + lineOffset;
  });
}

/** Validate already-parsed data; `lineFor` maps a field path to a line when the caller knows it. */
export function validateWith<S extends z.ZodTypeAny>(
  schema: S,
  data: unknown,
  file: string,
  lineFor: (path: (string | number)[]) => number | undefined = () => undefined,
): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new ContentError(
    file,
    result.error.issues.map((issue: z.ZodIssue) => ({
      line: lineFor(issue.path),
      field: issue.path.join('.'),
      message: describeIssue(issue),
    })),
  );
}

/** zod's messages, made to say what was expected in words an author understands. */
function describeIssue(issue: z.ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.received === 'undefined'
        ? `required, expected ${issue.expected}`
        : `expected ${issue.expected}, got ${issue.received}`;
    case 'invalid_enum_value':
      return `expected one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}, got ${JSON.stringify(issue.received)}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_union_discriminator':
      return `expected one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}`;
    case 'too_small':
      return issue.type === 'array'
        ? `needs at least ${issue.minimum} item(s)`
        : issue.type === 'string'
          ? 'must not be empty'
          : `must be ≥ ${issue.minimum}`;
    case 'too_big':
      return issue.type === 'array'
        ? `at most ${issue.maximum} item(s)`
        : issue.type === 'string'
          ? `at most ${issue.maximum} characters`
          : `must be ≤ ${issue.maximum}`;
    default:
      return issue.message;
  }
}

/** Split an MDX file into its YAML frontmatter (with its first line number) and body. */
export function splitFrontmatter(text: string, file: string): { yaml: string; firstLine: number; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!m)
    throw new ContentError(file, [
      { line: 1, field: '', message: 'missing frontmatter: the file must start with a "---" block' },
    ]);
  return { yaml: m[1]!, firstLine: 1, body: text.slice(m[0].length) };
}
