import { PromtsError } from '../model/index.js';

export type TemplateErrorCode = 'template_parse' | 'template_exec';

/** A template that does not parse or fails while executing; `message` keeps Go's wording. */
export class TemplateError extends PromtsError {
  constructor(
    override readonly code: TemplateErrorCode,
    message: string,
    hint?: string,
  ) {
    super(code, message, hint);
  }
}
