// Visibility for drsReadiness on the time-skipping server, which implements none
// (ListWorkflowExecutions answers UNIMPLEMENTED): the drills a test declares, listed for the server
// a query names. The query itself is kept, so a test can check what the activity asked for.
import type { ListRuns, ListedRun } from '../../activities/readiness';

interface DeclaredDrills {
  /** The activity dependency (ActivityDeps.listRuns). */
  listRuns: ListRuns;
  /** A SUCCEEDED drill of `sourceServerId` that closed at `closeTime`. */
  declare(sourceServerId: string, run: ListedRun): void;
  /** Every query asked, in order. */
  queries: string[];
  clear(): void;
}

export function declaredDrills(): DeclaredDrills {
  const drills = new Map<string, ListedRun>();
  const queries: string[] = [];
  return {
    async *listRuns(query) {
      queries.push(query);
      const drill = drills.get(/DrsSourceServers = '([^']+)'/.exec(query)?.[1] ?? '');
      if (drill) yield drill;
    },
    declare: (sourceServerId, run) => drills.set(sourceServerId, run),
    queries,
    clear() {
      drills.clear();
      queries.length = 0;
    },
  };
}
