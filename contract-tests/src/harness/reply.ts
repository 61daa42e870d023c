import type { Exchange } from '../http/http-client.ts';
import type { Operation } from '../spec/operations.ts';

/** A response with the accessors scenarios need; `exchange` keeps the raw request and response. */
export class Reply {
  private parsed?: { value: unknown; ok: boolean };

  constructor(readonly exchange: Exchange, readonly op?: Operation, readonly presented: string[] = []) {}

  get answered(): boolean {
    return this.exchange.response !== undefined;
  }

  get status(): number {
    return this.exchange.response?.status ?? 0;
  }

  header(name: string): string | undefined {
    return this.exchange.response?.headers[name.toLowerCase()];
  }

  /** The media type of the body, without parameters. */
  get mediaType(): string | undefined {
    return this.header('content-type')?.split(';')[0].trim().toLowerCase();
  }

  get body(): string {
    return this.exchange.response?.body ?? '';
  }

  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  get json(): unknown {
    if (!this.parsed) {
      try {
        this.parsed = { value: this.body === '' ? undefined : JSON.parse(this.body), ok: true };
      } catch {
        this.parsed = { value: undefined, ok: false };
      }
    }
    return this.parsed.value;
  }

  get isJson(): boolean {
    void this.json;
    return this.parsed!.ok && this.body !== '';
  }

  /** `data` of a success body (`{"data": …}`). */
  data<T = Record<string, unknown>>(): T | undefined {
    const json = this.json as { data?: T } | undefined;
    return json && typeof json === 'object' ? json.data : undefined;
  }

  get problemCode(): string | undefined {
    const json = this.json as { code?: unknown } | undefined;
    return json && typeof json === 'object' && typeof json.code === 'string' ? json.code : undefined;
  }

  /** `401 invalid_api_key`, `200`, or why nothing came back — for messages. */
  get summary(): string {
    if (!this.answered) return `no response (${this.exchange.failure})`;
    return this.problemCode ? `${this.status} ${this.problemCode}` : String(this.status);
  }

  get label(): string {
    const { method, url } = this.exchange.request;
    return `${method} ${new URL(url).pathname}${new URL(url).search}`;
  }
}
