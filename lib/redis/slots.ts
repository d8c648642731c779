/**
 * Redis Cluster hash slots, computed as Redis does (CRC16/XMODEM of the key,
 * or of its hash tag: the text between the first "{" and the first "}" after
 * it, when not empty, modulo 16384). A script may only touch keys of one
 * slot, so every key a queue's scripts touch together must share one.
 */
import { hashTagOf } from "../hash-tag";

export { hashTagOf };
const SLOTS = 16384;

const TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[i] = crc & 0xffff;
  }
  return table;
})();

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ b) & 0xff]!;
  return crc;
}

export function keySlot(key: string): number {
  return crc16(Buffer.from(hashTagOf(key) ?? key, "utf8")) % SLOTS;
}
