import type { PublicQuestion } from '../../../courses/assessment.ts';
import type { Response } from '../../../courses/schema/question.ts';

/** Props every question input takes. */
export interface InputProps {
  question: PublicQuestion;
  /** The learner's current response (bindable). */
  value: Response | undefined;
  /** Prefix making element ids unique on the page. */
  uid: string;
  disabled?: boolean;
  /** UI strings (quiz.*) for the page's locale. */
  strings: Record<string, string>;
}
