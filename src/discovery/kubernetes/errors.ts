import { PromtsError } from '../../model/index.js';

/** Anything Kubernetes SD cannot do: the message names the URL or file, the hint what to change. */
export class KubernetesSDError extends PromtsError {
  constructor(message: string, hint?: string) {
    super('kubernetes_sd_error', message, hint);
  }
}
