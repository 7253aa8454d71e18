// storage/remote: remote write 1.0 (queue tailing the WAL, receiver) and remote read
// (handler and client Queryable), wire-compatible with Prometheus 2.42.
//
// A server does:
//   const rw = new WriteStorage({ dataDir: flags.storageTsdbPath, logger, flushDeadlineMs,
//                                 metadata: () => scrapeManager.metadata() });  // metadata_config
//   await rw.applyConfig(config);          // at start and on every reload
//   rw.metrics() -> renderQueueMetrics()    // /metrics
//   await rw.close();                       // on shutdown, BEFORE db.close()
//   POST /api/v1/write -> writeHandler(db)  (only with --web.enable-remote-write-receiver)
//   POST /api/v1/read  -> readHandler(db, { externalLabels, sampleLimit })
//   remote_read: const rr = new ReadStorage(logger, () => db lowest time, lookbackDelta);
//                await rr.applyConfig(config); web engine = rr.engine(engine)  // PromQL sees remote series
// Credentials: basic_auth / authorization / bearer_token, oauth2 (oauth2.ts), sigv4 (sigv4.ts).
export { WriteStorage, type WriteStorageOptions } from './write-storage.js';
export { QueueManager, queueName, type QueueOptions } from './queue.js';
export { MetadataSender, type MetadataSource, type TargetMetadataEntry } from './metadata.js';
export { QueueMetrics, renderQueueMetrics, type QueueMetricsSnapshot } from './metrics.js';
export { RemoteClient, type RemoteClientOptions } from './client.js';
export { RemoteError, type RemoteErrorCode } from './errors.js';
export { ProtoDecodeError } from './proto.js';
export { compress, decompress, writeHeaders, readHeaders, REMOTE_WRITE_VERSION, REMOTE_READ_VERSION, USER_AGENT } from './codec.js';
export {
  encodeLabels,
  encodeWriteRequest,
  decodeWriteRequest,
  encodeReadRequest,
  decodeReadRequest,
  decodeReadResponse,
  ReadResponseWriter,
  type WriteRequestVisitor,
  type ReadRequest,
  type ReadQuery,
  type ReadMatcher,
  type ReadSeries,
  type MetadataEntry,
} from './messages.js';
export { ProtoWriter } from './proto.js';
export { WalWatcher, type WatcherSink } from './watcher.js';
export { handleRemoteWrite, remoteWriteHandler, type HandlerResult } from './write-handler.js';
export { handleRemoteRead, remoteReadHandler, toMatchers, type ReadHandlerOptions } from './read-handler.js';
export { RemoteReader, remoteReaders } from './read-client.js';
export { ReadStorage, selectorRanges, type SelectorRange } from './read-storage.js';
export { mergedQueryable } from './merge.js';
export { registerRemoteWriteMetrics } from './prom-metrics.js';
