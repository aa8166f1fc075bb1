// Every patch id workflow code passes to patched() / deprecatePatch(), in one place. A patch id is
// written into a run's history (a marker), so an id must never change once released, and an entry
// leaves this register only after its deprecatePatch() step has itself outlived every run that
// recorded the marker. Workflow code uses `PATCHES.<name>.id`, never a bare string.
//
// `since` is the release whose builds first record the marker; `deprecateWhen` is the condition
// under which patched(id) can become deprecatePatch(id) (the old branch deleted): no open run, and
// no history kept for replay (test/histories, a namespace's retention), predates that release.
//
// One block per branch that adds patches, so concurrent additions merge without conflicts.

export interface PatchEntry {
  /** The marker id recorded in histories: never edit a released one. */
  readonly id: string;
  /** The release that introduced the patch. */
  readonly since: string;
  /** When `patched(id)` may become `deprecatePatch(id)` and the old branch be removed. */
  readonly deprecateWhen: string;
}

export const PATCHES = {
  // --- 0.2.0: boot evidence (issue 22) ---

  /**
   * After the launch job, drills, failovers and plan waves follow each launched instance until EC2's
   * status checks pass, read its launch actions and run its in-guest checks (workflows/boot.ts); a
   * drill with boot evidence no longer hands its launch place to its cleanup. Runs recorded before
   * end at LAUNCHED as they did.
   */
  bootEvidence: {
    id: 'boot-evidence',
    since: '0.2.0',
    deprecateWhen:
      'no open drsDrill or drsRecovery run started by a build before 0.2.0, and no such history in test/histories',
  },
} as const satisfies Record<string, PatchEntry>;
