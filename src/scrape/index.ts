// scrape: scrape manager, pools, loops, the per-target cache and target health. Other areas
// import only this file.
export { ScrapeManager, type ScrapeManagerOptions, type TargetMetadata } from './manager.js';
export { ScrapePool, type PoolOptions } from './pool.js';
export { ScrapeLoop, SCRAPE_ACCEPT_HEADER, REPORT_SERIES, type LoopOptions } from './loop.js';
export { Target, TargetError, populateLabels, targetsFromGroup, type TargetHealth, type PopulateResult } from './target.js';
export { ScrapeCache, type CacheEntry, type MetaEntry } from './cache.js';
export { appendScrape, newAppendResult, mutateSampleLabels, mutateReportSampleLabels, verifyLabelLimits, ScrapeError, type AppendOptions, type AppendResult, type LabelLimits } from './append.js';
