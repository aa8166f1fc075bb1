// Recorded histories as JSON files: protobufjs' own object form (int64 and bytes as strings, enums
// by name), which round-trips exactly. (@temporalio/common's historyToJSON cannot be used here: it
// needs the protobufjs copy nested in @temporalio/common, and the History it gets comes from the
// top-level copy, so it fails with "type must be a Type".)
import { temporal } from '@temporalio/proto';

const History = temporal.api.history.v1.History;

export function historyToFile(history: temporal.api.history.v1.IHistory): string {
  const object = History.toObject(History.fromObject(history), {
    longs: String,
    enums: String,
    bytes: String,
  });
  return `${JSON.stringify(object, null, 1)}\n`;
}

export function historyFromFile(text: string): temporal.api.history.v1.History {
  return History.fromObject(JSON.parse(text));
}
