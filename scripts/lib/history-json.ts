// Workflow histories as the JSON that the Temporal CLI (`temporal workflow show --output json`) and the Web UI export,
// so a history downloaded from any Temporal can join test/workflows/histories/.
//
// @temporalio/common's historyToJSON and historyFromJSON would do this, but fail in this install with "type must be a
// Type": npm gave @temporalio/common its own copy of protobufjs 8 (the top level holds the 7 that @grpc/proto-loader
// needs), and that copy's protojson refuses the message types built by @temporalio/proto's copy. The protojson of
// @temporalio/proto's own copy accepts them. Once `npm ls protobufjs` shows a single copy of 8, use the SDK's two
// functions instead (Worker.runReplayHistories then also takes the parsed JSON as it is).
import path from 'node:path';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';

type History = proto.temporal.api.history.v1.IHistory;

interface ProtoJson {
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
  toJson(type: unknown, message: unknown): unknown;
}

const protoPackage = path.dirname(require.resolve('@temporalio/proto/package.json'));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the module is found from another package's folder
const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: [protoPackage] })) as ProtoJson;
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType(
  'temporal.api.history.v1.History',
);

/** historyToJSON writes a history (as fetchHistory() returns it) as the CLI's JSON, indented. */
export function historyToJSON(history: History): string {
  const message = proto.temporal.api.history.v1.History.fromObject(history);
  return JSON.stringify(protojson.toJson(historyType, message), null, 2);
}

/** historyFromJSON reads the CLI's JSON of a history into the History that Worker.runReplayHistories replays. */
export function historyFromJSON(json: string): History {
  // Fields a newer server or SDK added are skipped, as the SDK's own reader does.
  return protojson.fromJson(historyType, JSON.parse(json), { ignoreUnknownFields: true }) as History;
}
