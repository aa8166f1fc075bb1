// What the EC2 (query) and SSM (JSON 1.1) fronts share: a decoded call the server gates (IAM,
// faults) and audits before it runs, and the protocol's own shape for answers and errors.
import type { IncomingHttpHeaders } from 'node:http';
import type { DrsError } from '../errors';
import type { Partition } from '../model';
import type { EmulatorStore } from '../store';

export interface WireResponse {
  statusCode: number;
  contentType: string;
  body: string;
}

export interface ProtocolContext {
  store: EmulatorStore;
  partition: Partition;
  now: number;
}

export interface DecodedCall {
  /** The operation name (the audit prefixes the service: `ec2:…`, `ssm:…`). */
  operation: string;
  /** What the audit keeps: the request in the model's member names. */
  request: unknown;
  run(ctx: ProtocolContext): WireResponse;
}

export interface Protocol {
  decode(rawBody: string, headers: IncomingHttpHeaders): DecodedCall;
  error(error: DrsError): WireResponse;
  errors: {
    denied(message: string): DrsError;
    throttling(): DrsError;
    internal(message: string): DrsError;
  };
}
