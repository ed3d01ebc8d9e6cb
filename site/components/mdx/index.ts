/** The components course authors may use in MDX (see README → "Adding a course"). */
import Callout from './Callout.astro';
import ContentNote from './ContentNote.astro';
import KeyPoints from './KeyPoints.astro';
import LegalRef from './LegalRef.astro';
import Quiz from './Quiz.astro';
import Scenario from './Scenario.astro';
import Term from './Term.astro';

export const mdxComponents = { Callout, ContentNote, KeyPoints, LegalRef, Quiz, Scenario, Term };
