// The transport framing of remote write 1.0 and remote read: snappy *block* format (not the
// framed/stream format) and the headers Prometheus 2.42 sends.
import { snappyCompress, snappyDecompress } from '../../tsdb/index.js';

export const REMOTE_WRITE_VERSION = '0.1.0';
export const REMOTE_READ_VERSION = '0.1.0';
/** Prometheus sends "Prometheus/<version>"; receivers sometimes key on the prefix. */
export const USER_AGENT = 'Prometheus/2.42.0 (promts)';

export function writeHeaders(): Record<string, string> {
  return {
    'content-encoding': 'snappy',
    'content-type': 'application/x-protobuf',
    'user-agent': USER_AGENT,
    'x-prometheus-remote-write-version': REMOTE_WRITE_VERSION,
  };
}

export function readHeaders(): Record<string, string> {
  return {
    'content-encoding': 'snappy',
    'accept-encoding': 'snappy',
    'content-type': 'application/x-protobuf',
    'user-agent': USER_AGENT,
    'x-prometheus-remote-read-version': REMOTE_READ_VERSION,
  };
}

export const compress = snappyCompress;
export const decompress = snappyDecompress;
