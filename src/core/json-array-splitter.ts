/**
 * Streams the elements of chosen arrays out of a large JSON document without holding the
 * document: `log.entries` of a HAR file, `resourceSpans` of an OTLP export. Memory is
 * bounded by the largest single element. Feed text chunks; each complete object or
 * array element of a target array is handed to `onElement` as raw JSON text for the
 * caller to `JSON.parse`. Several top-level values in a row (JSON Lines) are accepted.
 *
 * It is a tokenizer for the JSON grammar (RFC 8259 §2–7) that tracks only what it needs:
 * nesting, object keys up to the target depth, and strings.
 */
interface Frame {
  arr: boolean;
  key: string;
  expectKey: boolean;
  path: string;
}

export class JsonArraySplitter {
  private readonly targets: Set<string>;
  private stack: Frame[] = [];
  private inString = false;
  private escape = false;
  private collectingKey = false;
  private keyBuf = '';
  private capturing = false;
  private capDepth = 0;
  private capParts: string[] = [];
  private capLength = 0;
  /** Elements found so far, and elements dropped for exceeding `maxElementChars`. */
  elements = 0;
  oversized = 0;

  /**
   * @param targets paths like `/log/entries`, `/result/resourceSpans`.
   * @example
   * const s = new JsonArraySplitter(['/log/entries'], (t) => out.push(JSON.parse(t)));
   * s.feed('{"log":{"entries":[{"a":1},{"a":2}]}}');
   */
  constructor(
    targets: readonly string[],
    private readonly onElement: (json: string) => void,
    private readonly maxElementChars = 64 * 1024 * 1024,
  ) {
    this.targets = new Set(targets);
  }

  feed(chunk: string): void {
    let capStart = 0;
    const n = chunk.length;
    for (let i = 0; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (this.capturing) {
        if (this.inString) {
          if (this.escape) this.escape = false;
          else if (c === 92) this.escape = true;
          else if (c === 34) this.inString = false;
          continue;
        }
        if (c === 34) this.inString = true;
        else if (c === 123 || c === 91) this.capDepth++;
        else if (c === 125 || c === 93) {
          if (--this.capDepth === 0) {
            this.capturing = false;
            const tail = chunk.slice(capStart, i + 1);
            this.emit(this.capParts.length ? this.capParts.join('') + tail : tail, this.capLength + tail.length);
            this.capParts = [];
            this.capLength = 0;
          }
        }
        continue;
      }
      if (this.inString) {
        if (this.escape) {
          this.escape = false;
          if (this.collectingKey) this.keyBuf += chunk[i];
        } else if (c === 92) this.escape = true;
        else if (c === 34) {
          this.inString = false;
          if (this.collectingKey) {
            const top = this.stack[this.stack.length - 1];
            if (top) top.key = this.keyBuf;
            this.collectingKey = false;
          }
        } else if (this.collectingKey) this.keyBuf += chunk[i];
        continue;
      }
      const top = this.stack[this.stack.length - 1];
      switch (c) {
        case 34:
          this.inString = true;
          this.collectingKey = top !== undefined && !top.arr && top.expectKey;
          this.keyBuf = '';
          break;
        case 58:
          if (top && !top.arr) top.expectKey = false;
          break;
        case 44:
          if (top && !top.arr) top.expectKey = true;
          break;
        case 123:
        case 91:
          if (top && top.arr && this.targets.has(top.path)) {
            this.capturing = true;
            this.capDepth = 1;
            capStart = i;
            this.capParts = [];
            this.capLength = 0;
            break;
          }
          this.stack.push({
            arr: c === 91,
            key: '',
            expectKey: c === 123,
            path: top ? (top.arr ? top.path + '/[]' : top.path + '/' + top.key) : '',
          });
          break;
        case 125:
        case 93:
          this.stack.pop();
          break;
        default:
          break;
      }
    }
    if (this.capturing) {
      const part = chunk.slice(capStart);
      this.capLength += part.length;
      if (this.capLength <= this.maxElementChars) this.capParts.push(part);
      else this.capParts = [];
    }
  }

  private emit(text: string, length: number): void {
    if (length > this.maxElementChars) {
      this.oversized++;
      return;
    }
    this.elements++;
    this.onElement(text);
  }

  /** True when the input ended inside an element or a container (truncated input). */
  get truncated(): boolean {
    return this.capturing || this.stack.length > 0;
  }
}
