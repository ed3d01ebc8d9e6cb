/** Walking one branching scenario: the current node, the path taken so far, restart. */
import type { Scenario } from '../../../courses/schema/scenario.ts';

type Node = Scenario['nodes'][number];
type Choice = NonNullable<Node['choices']>[number];

export class ScenarioRun {
  path = $state.raw<{ node: Node; choice: Choice }[]>([]);
  currentId = $state('');
  private nodes: Map<string, Node>;

  constructor(readonly scenario: Scenario) {
    // Built once from the authored scenario and never changed: no reactivity needed.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    this.nodes = new Map(scenario.nodes.map((n) => [n.id, n]));
    this.currentId = scenario.start;
  }

  get current(): Node {
    return this.nodes.get(this.currentId)!;
  }

  choose(choiceId: string) {
    const choice = this.current.choices?.find((c) => c.id === choiceId);
    if (!choice) return;
    this.path = [...this.path, { node: this.current, choice }];
    this.currentId = choice.next;
  }

  restart() {
    this.path = [];
    this.currentId = this.scenario.start;
  }
}
