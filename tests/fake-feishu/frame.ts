// pbbp2.Frame, the protobuf envelope of Feishu's long connection (same field numbers as the node-sdk's
// generated pbbp2 code in lib/index.js). Encoded independently with protobufjs so the fake checks the SDK.
import protobuf from 'protobufjs';

const PROTO = `
syntax = "proto2";
package pbbp2;
message Header { required string key = 1; required string value = 2; }
message Frame {
  required uint64 SeqID = 1;
  required uint64 LogID = 2;
  required int32 service = 3;
  required int32 method = 4;
  repeated Header headers = 5;
  optional string payloadEncoding = 6;
  optional string payloadType = 7;
  optional bytes payload = 8;
  optional string LogIDNew = 9;
}`;

// The node-sdk runs `protobuf.util.Long = undefined; protobuf.configure()` on the shared protobufjs
// instance when it loads. A Type built before that has Long-typed defaults and throws on first use,
// so rebuild whenever util.Long differs from what the cached Type was built with.
let cached: { type: protobuf.Type; long: unknown } | undefined;
function frameType(): protobuf.Type {
  if (!cached || cached.long !== protobuf.util.Long) {
    cached = { type: protobuf.parse(PROTO).root.lookupType('pbbp2.Frame'), long: protobuf.util.Long };
  }
  return cached.type;
}

export const METHOD_CONTROL = 0;
export const METHOD_DATA = 1;

export interface Frame {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: { key: string; value: string }[];
  payloadEncoding?: string;
  payloadType?: string;
  payload?: Uint8Array;
  LogIDNew?: string;
}

export function encodeFrame(frame: Frame): Uint8Array {
  const t = frameType();
  return t.encode(t.fromObject(frame)).finish();
}

export function decodeFrame(buf: Uint8Array): Frame {
  const t = frameType();
  const o = t.toObject(t.decode(buf), { longs: Number, defaults: true }) as Frame;
  o.headers ??= [];
  return o;
}

export function headerMap(frame: Frame): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of frame.headers) out[h.key] = h.value;
  return out;
}
