// notifier: sends alerts to Alertmanager (API v2, or v1), with a bounded queue.
export { Notifier, MAX_BATCH_SIZE, postPath, type NotifierAlert, type NotifierOptions, type NotifierMetrics } from './notifier.js';
export { AlertPoster, toAPIAlert } from './post.js';
export { NotifierError, type NotifierErrorCode } from './errors.js';
