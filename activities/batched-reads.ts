// Reads of many ids batched per client within a worker process, the way job waits batch
// DescribeJobs (activities/job-batch.ts): every wait that asks within BATCH_WINDOW_MS of another
// joins one call per `maxIds` ids, so one DescribeInstanceStatus (or DescribeInstanceInformation)
// serves every instance of an account and region being waited on. Waits poll on aligned ticks of
// the server's clock (`aligned`), so waits of different runs ask in the same window.

/** How long asks for the same client wait for each other before the call goes out. */
const BATCH_WINDOW_MS = 50;

interface Waiter<V> {
  resolve: (value: V | undefined) => void;
  reject: (err: unknown) => void;
}

export class BatchedReader<C extends object, V> {
  private readonly batches = new Map<C, Map<string, Waiter<V>[]>>();

  /**
   * `read` answers for a list of at most `maxIds` ids; an id it leaves out resolves undefined (not
   * listed yet).
   */
  constructor(
    private readonly maxIds: number,
    private readonly read: (client: C, ids: string[]) => Promise<Map<string, V>>,
  ) {}

  /** The value for `id`, read together with every other id asked for on `client` in the same window. */
  get(client: C, id: string): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      let batch = this.batches.get(client);
      if (!batch) {
        batch = new Map();
        this.batches.set(client, batch);
        setTimeout(() => void this.flush(client), BATCH_WINDOW_MS);
      }
      batch.set(id, [...(batch.get(id) ?? []), { resolve, reject }]);
    });
  }

  private async flush(client: C): Promise<void> {
    const batch = this.batches.get(client);
    this.batches.delete(client);
    if (!batch) return;
    const ids = [...batch.keys()];
    for (let i = 0; i < ids.length; i += this.maxIds) {
      const chunk = ids.slice(i, i + this.maxIds);
      try {
        const values = await this.read(client, chunk);
        for (const id of chunk) for (const w of batch.get(id) ?? []) w.resolve(values.get(id));
      } catch (err) {
        for (const id of chunk) for (const w of batch.get(id) ?? []) w.reject(err);
      }
    }
  }
}
