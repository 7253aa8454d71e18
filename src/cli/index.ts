// cli: what commands share — error rendering, flag suggestions, the progress bar.
export { editDistance, nearest } from './suggest.js';
export { UsageError, renderError } from './errors.js';
export { progressBar, runWithProgress, type Progress, type ProgressStream } from './progress.js';
