// hpack.js ships no types; this covers the part of its documented
// decompressor API that authority.ts uses.
declare module 'hpack.js' {
  interface HpackHeader {
    name: string;
    /** Octets as a latin1 string: hpack.js maps each byte to one char and back. */
    value: string;
    neverIndex: boolean;
  }
  interface HpackOptions {
    table: { maxSize: number };
  }
  interface Decompressor {
    write(block: Buffer): boolean;
    execute(): void;
    read(): HpackHeader | null;
    on(event: 'error', listener: (err: Error) => void): this;
  }
  const hpack: {
    decompressor: { create(options: HpackOptions): Decompressor };
  };
  export = hpack;
}
